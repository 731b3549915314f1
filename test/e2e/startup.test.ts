// What the built bundles load when they start: the heavy packages (src/kernel/vendor/: h5wasm, jsroot, zarrita,
// hyparquet, netcdfjs, TensorFlow.js) are not inside dist/cli.js, dist/kernel.js or dist/slab-worker.js, and a
// command reads their dist/vendor/*.js only when it needs them. Checked by the bundles' metafile and by the list
// of files each command loads (a --require hook), not by timing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeDataset } from '../../src/kernel/data/dataset';

const repo = path.resolve(__dirname, '..', '..');
const STARTUP_BUNDLES = ['dist/cli.js', 'dist/kernel.js', 'dist/slab-worker.js'];
/** Packages the vendor entries wrap, and the large ones they bring (zstd-js with jsroot, numcodecs with zarrita). */
const HEAVY = /node_modules\/(h5wasm|jsroot|@oneidentity\/zstd-js|zarrita|@zarrita|numcodecs|hyparquet|hyparquet-writer|netcdfjs|@tensorflow)\//;
/** No other package may put more than this into a start-up bundle (commander and acorn, the largest, ~0.2 MB). */
const MAX_PACKAGE_BYTES = 400_000;

interface Metafile { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }

describe('start-up: heavy packages are loaded on first use', function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-startup-'));
  const hook = path.join(dir, 'loaded-hook.cjs');
  const loadedList = path.join(dir, 'loaded.json');

  before(async () => {
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--only=cli,kernel'], { cwd: repo, encoding: 'utf8' });
    assert.equal(build.status, 0, `build failed: ${build.stderr}`);
    // Every module file the process loaded (CommonJS files, also those reached by import()), written at exit.
    fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loadedList)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const values = Float64Array.from({ length: 64 * 16 }, (_, i) => Math.fround(Math.sin(i / 7) * 5 + Math.cos(i / 31)));
    const table = { kind: 'table' as const, shape: [64, 16], dtype: 'float32' as const, names: [], values };
    await writeDataset(path.join(dir, 'small.npy'), table);
    await writeDataset(path.join(dir, 'small.h5'), table, { path: 'u' });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the built CLI; returns the dist/vendor bundles it loaded (by name) and what it printed. */
  function run(args: string[]): { vendors: string[]; stdout: string } {
    fs.rmSync(loadedList, { force: true });
    const r = spawnSync(process.execPath, ['--require', hook, path.join(repo, 'dist', 'cli.js'), ...args], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `baler ${args.join(' ')}: ${r.stderr}`);
    const loaded: string[] = JSON.parse(fs.readFileSync(loadedList, 'utf8'));
    assert.ok(loaded.some((f) => f.endsWith(path.join('dist', 'cli.js'))), `the hook saw the bundle load: ${loaded.join(', ')}`);
    const vendors = loaded.filter((f) => f.includes(path.join('dist', 'vendor'))).map((f) => path.basename(f, '.js')).sort();
    return { vendors, stdout: r.stdout };
  }
  const vendorsLoaded = (args: string[]): string[] => run(args).vendors;

  it('the start-up bundles hold no heavy package, and no package larger than 0.4 MB', () => {
    const meta: Metafile = JSON.parse(fs.readFileSync(path.join(repo, 'dist', 'node-bundles.meta.json'), 'utf8'));
    for (const bundle of STARTUP_BUNDLES) {
      const inputs = meta.outputs[bundle]?.inputs;
      assert.ok(inputs, `${bundle} is in the metafile`);
      assert.deepEqual(Object.keys(inputs).filter((f) => HEAVY.test(f)), [], `${bundle} bundles these heavy files itself`);
      const perPackage = new Map<string, number>();
      for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
        if (pkg) perPackage.set(pkg, (perPackage.get(pkg) ?? 0) + bytesInOutput);
      }
      const large = [...perPackage].filter(([, bytes]) => bytes > MAX_PACKAGE_BYTES);
      assert.deepEqual(large, [], `${bundle}: a package this large belongs in src/kernel/vendor/ (loaded on first use)`);
    }
  });

  it('the bundles load a vendor bundle with require(): Node scans a CommonJS file it is asked to import() for its exports first', () => {
    for (const bundle of STARTUP_BUNDLES) {
      const code = fs.readFileSync(path.join(repo, bundle), 'utf8');
      assert.deepEqual(code.match(/import\(\s*["'][^"']*vendor\/[^"']*["']\s*\)/g) ?? [], [], `${bundle} imports a vendor bundle`);
      // The slab worker needs none: what it codes and decodes uses no vendor package.
      if (bundle !== 'dist/slab-worker.js') assert.ok(/require\("\.\/vendor\/[\w-]+\.js"\)/.test(code), `${bundle} requires the vendor bundles it needs`);
    }
  });

  it('--version, info, and coding an .npy with the error-bounded coder and the learned basis load no vendor bundle', () => {
    assert.deepEqual(vendorsLoaded(['--version']), []);
    assert.deepEqual(vendorsLoaded(['compress', 'small.npy', '--learned', 'none', '-o', 'eb.baler']), []);
    assert.deepEqual(vendorsLoaded(['compress', 'small.npy', '-o', 'auto.baler']), []);
    assert.deepEqual(vendorsLoaded(['info', 'eb.baler']), []);
    assert.deepEqual(vendorsLoaded(['decompress', 'eb.baler', '-o', 'eb.npy']), []);
    assert.deepEqual(vendorsLoaded(['decompress', 'auto.baler', '-o', 'auto.npy']), []);
  });

  it('an .h5 loads h5wasm; training an autoencoder loads TensorFlow.js (its wasm found beside the bundle)', () => {
    assert.deepEqual(vendorsLoaded(['compress', 'small.h5', '--learned', 'none', '-o', 'h5.baler']), ['h5wasm']);
    assert.deepEqual(vendorsLoaded(['decompress', 'eb.baler', '-o', 'back.h5']), ['h5wasm']);
    const doctor = run(['doctor', '--backend', 'wasm']);
    assert.deepEqual(doctor.vendors, ['tfjs']);
    assert.match(doctor.stdout, /in use\s+wasm: WebAssembly from .*dist\b/, doctor.stdout);
    const ae = ['compress', 'small.npy', '--model', 'dense', '--epochs', '1', '--backend', 'wasm', '-o', 'ae.baler'];
    assert.deepEqual(vendorsLoaded(ae), ['tfjs']);
    // Decoding is plain TypeScript (model/infer.ts): decompressing an autoencoder's file needs no TensorFlow.js.
    assert.deepEqual(vendorsLoaded(['decompress', 'ae.baler', '-o', 'ae.npy']), []);
  });
});
