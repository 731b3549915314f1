// Builds the .vsix from a staging folder: the production bundles, the user README for the Marketplace
// (docs/vscode/README.md, not the developer README), the CHANGELOG, and a manifest without what only the npm
// package and the CLI use (bin, engines.node, scripts, dependencies: everything is bundled).
//   node scripts/vscode-package.mjs [--out FILE] [--skip-build]
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(repo, `${manifest.name}-${manifest.version}.vsix`));
const stage = join(repo, 'out', 'vsix');

/** What the extension needs at run time: bundles, wasm, plotly, icons, schema. */
const FILES = [
  'dist/extension.js', 'dist/kernel.js', 'dist/slab-worker.js', 'dist/tfjs-backend-wasm.wasm', 'dist/tfjs-backend-wasm-simd.wasm', 'dist/zstd.wasm', 'dist/eb-decoder.wasm', 'dist/eb-encoder.wasm',
  'dist/webviews/dashboard.js', 'dist/webviews/viewer.js', 'dist/webviews/project.js', 'dist/webviews/renderer.js',
  'dist/webviews/plotly.min.js', 'media/icon.png', 'media/baler-file.svg', 'schemas/baler-project.schema.json', 'LICENSE', 'CHANGELOG.md',
  // The heavy packages the kernel loads on first use, one bundle per entry of src/kernel/vendor/ (esbuild.mjs).
  ...readdirSync(join(repo, 'src', 'kernel', 'vendor')).filter((f) => /\.m?ts$/.test(f)).map((f) => `dist/vendor/${f.replace(/\.m?ts$/, '')}.js`),
];

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

export function extensionManifest(pkg) {
  const { bin, scripts, dependencies, devDependencies, optionalDependencies, ...rest } = pkg;
  void bin; void scripts; void dependencies; void devDependencies; void optionalDependencies;
  const engines = { vscode: pkg.engines.vscode };
  return { ...rest, engines };
}

function main() {
  if (!process.argv.includes('--skip-build')) run(process.execPath, ['esbuild.mjs', '--production'], repo);
  rmSync(stage, { recursive: true, force: true });
  for (const f of FILES) {
    if (!existsSync(join(repo, f))) throw new Error(`${f} is missing: build first (npm run build)`);
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    copyFileSync(join(repo, f), join(stage, f));
  }
  copyFileSync(join(repo, 'docs', 'vscode', 'README.md'), join(stage, 'README.md'));
  writeFileSync(join(stage, 'package.json'), JSON.stringify(extensionManifest(manifest), null, 2) + '\n');
  writeFileSync(join(stage, '.vscodeignore'), '');
  cpSync(join(repo, 'media', 'icon.png'), join(stage, 'media', 'icon.png'));
  const vsce = join(repo, 'node_modules', '@vscode', 'vsce', 'vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], stage);
  console.log(`wrote ${out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
