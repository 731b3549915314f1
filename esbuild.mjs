// Bundles every entry point that exists, compiles the engine's WebAssembly and copies the runtime .wasm files next to the bundles.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const nodeEntries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/bench/main.ts', out: 'bench' },
  { in: 'src/kernel/process.ts', out: 'kernel' },
  { in: 'src/kernel/parallel/worker.ts', out: 'slab-worker' },
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'test/integration/index.ts', out: 'test/integration' },
];
const browserEntries = [
  { in: 'webviews/dashboard.ts', out: 'webviews/dashboard' },
  { in: 'webviews/viewer.ts', out: 'webviews/viewer' },
  { in: 'webviews/project.ts', out: 'webviews/project' },
];
const rendererEntries = [{ in: 'webviews/renderer.ts', out: 'webviews/renderer' }];

// `node esbuild.mjs --only cli,kernel` builds just those outputs (the tests use it for speed).
const onlyArg = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
// The slab worker goes with every Node entry that compresses (it runs beside them in dist/).
const only = onlyArg ? [...onlyArg.split(','), 'slab-worker'] : undefined;
const present = (entries) => entries.filter((e) => existsSync(e.in) && (!only || only.includes(e.out)));

// Heavy third-party packages (h5wasm, jsroot, zarrita, hyparquet, netcdfjs, TensorFlow.js), each bundled alone as
// dist/vendor/NAME.js from src/kernel/vendor/NAME.ts and loaded by the Node bundles only when a command needs it,
// so that starting does not read and compile ~17 MB (src/kernel/vendor/README.md).
const vendorDir = resolve('src/kernel/vendor');
const vendorEntries = readdirSync(vendorDir)
  .filter((f) => /\.m?ts$/.test(f))
  .map((f) => ({ in: join('src/kernel/vendor', f), out: `vendor/${f.replace(/\.m?ts$/, '')}` }));

/**
 * Leaves every import of a vendor entry out of the bundle: it becomes a run-time require of ./vendor/NAME.js. An
 * import() goes through a one-line stub that requires it: Node's import() of a CommonJS file first scans the whole
 * file for its exports (0.27 s of jsroot's 0.36 s to load, 0.12 s of h5wasm's 0.17 s), which require() does not.
 */
const vendorAsExternal = {
  name: 'vendor-as-external',
  setup(build) {
    build.onResolve({ filter: /(^|\/)vendor\/[\w-]+(\.mjs)?$/ }, (args) => {
      const file = resolve(args.resolveDir, args.path).replace(/\.mjs$/, '');
      if (dirname(file) !== vendorDir) return undefined;
      if (args.kind === 'import-statement') {
        return { errors: [{ text: `a static import of ${args.path} would load it at start-up: use await import() or require() where it is needed (src/kernel/vendor/README.md)` }] };
      }
      const bundled = `./vendor/${basename(file)}.js`;
      return args.kind === 'dynamic-import' ? { path: bundled, namespace: 'vendor-require' } : { path: bundled, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'vendor-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    build.onResolve({ filter: /.*/, namespace: 'vendor-require' }, (args) => ({ path: args.path, external: true }));
  },
};

const common = {
  bundle: true,
  outdir: 'dist',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // vscode is provided by the host; tfjs-node is optional and loaded at run time if installed.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'playwright-core', 'mocha'],
  // jsonc-parser's default (UMD) build requires its parts at run time, which a bundle cannot: use its ES build.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
  // ES modules bundled into CommonJS (h5wasm's Node build calls createRequire(import.meta.url)) get the bundle's URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: 'const importMetaUrl = require("url").pathToFileURL(__filename).href;' },
};
const nodeBuilds = present(nodeEntries).length > 0 ? [
  { ...node, entryPoints: present(nodeEntries), plugins: [vendorAsExternal], metafile: true },
  { ...node, entryPoints: vendorEntries },
] : [];

const builds = [
  ...nodeBuilds,
  { ...common, entryPoints: present(browserEntries), platform: 'browser', target: 'es2022', format: 'iife' },
  { ...common, entryPoints: present(rendererEntries), platform: 'browser', target: 'es2022', format: 'esm' },
].filter((b) => b.entryPoints.length > 0);

function copyRuntimeFiles() {
  mkdirSync('dist', { recursive: true });
  const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
    copyFileSync(join(wasmDir, f), join('dist', f));
  }
  // Node never loads the threaded build (no worker script for it here); measured with strace: only -simd is read.
  rmSync(join('dist', 'tfjs-backend-wasm-threaded-simd.wasm'), { force: true });
  copyFileSync('node_modules/@bokuweb/zstd-wasm/dist/common/zstd.wasm', 'dist/zstd.wasm');
  mkdirSync('dist/webviews', { recursive: true });
  copyFileSync('node_modules/plotly.js-dist-min/plotly.min.js', 'dist/webviews/plotly.min.js');
}

/**
 * The engine's own WebAssembly (src/wasm/*.ts, AssemblyScript, with src/wasm/shared/ and each one's folder) compiled to dist/NAME.wasm; skipped when the output is
 * newer than its source. The engine does the same work in JavaScript where a module is missing (src/kernel/eb/wasm/module.ts).
 */
async function buildWasm() {
  const { default: asc } = await import('assemblyscript/asc');
  // A module is built from its file, its folder (src/wasm/NAME/) and src/wasm/shared/: rebuilt when any of those is newer than it.
  const newest = (dir) => (existsSync(dir) ? Math.max(0, ...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs)) : 0);
  const sharedTime = newest('src/wasm/shared');
  for (const f of readdirSync('src/wasm').filter((f) => f.endsWith('.ts'))) {
    const source = join('src/wasm', f);
    const output = join('dist', f.replace(/\.ts$/, '.wasm'));
    const sourcesTime = Math.max(statSync(source).mtimeMs, sharedTime, newest(join('src/wasm', f.replace(/\.ts$/, ''))));
    if (existsSync(output) && statSync(output).mtimeMs >= sourcesTime) continue;
    const { error, stderr } = await asc.main([source, '-O3', '--noAssert', '--runtime', 'stub', '--outFile', output]);
    if (error) throw new Error(`compiling ${source}: ${error.message}\n${stderr.toString()}`);
  }
}

copyRuntimeFiles();
await buildWasm();
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  // What each Node bundle holds, for test/e2e/startup.test.ts (which packages the start-up bundles contain).
  const nodeMeta = results[builds.indexOf(nodeBuilds[0])]?.metafile;
  if (nodeMeta) writeFileSync('dist/node-bundles.meta.json', JSON.stringify(nodeMeta));
}
