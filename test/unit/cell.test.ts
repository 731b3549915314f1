// The notebook cell language of the "Baler" kernel: JavaScript with `baler` in scope and %baler CLI lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CellSession, runCell, splitArgs, toCellOutput } from '../../src/kernel/cell';
import { transformCell } from '../../src/kernel/cell-transform';
import type { CellOutput } from '../../src/kernel/protocol';

function context() {
  const outputs: CellOutput[] = [];
  const abort = new AbortController();
  return { outputs, ctx: { hooks: { signal: abort.signal }, signal: abort.signal, emitOutput: (o: CellOutput) => outputs.push(o) } };
}

describe('notebook cells', () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-cell-'));
    const rows = ['a,b,c,d'];
    for (let r = 0; r < 64; r++) rows.push([r, 2 * r, Math.sin(r / 5), 1].map((v) => v.toFixed(4)).join(','));
    fs.writeFileSync(path.join(dir, 't.csv'), rows.join('\n') + '\n');
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('splits a command line like a shell, with quotes', () => {
    assert.deepEqual(splitArgs(`compress "my file.npz" --ratio 20 -o 'out dir/x.baler'`), ['compress', 'my file.npz', '--ratio', '20', '-o', 'out dir/x.baler']);
  });

  it('returns the last expression, but not a declaration, and lists what the cell declares', () => {
    assert.match(transformCell('const x = 1;\nx + 1').body, /return \(x \+ 1\);$/);
    assert.doesNotMatch(transformCell('const x = 1;').body, /return/);
    assert.match(transformCell('%baler info a.baler').body, /await baler\.cli\("info a\.baler"\)/);
    assert.deepEqual(transformCell('const { a, b: [c, ...d] } = o, e = 1;\nfunction f() {}\nclass K {}\nlet g;').declared.sort(), ['a', 'c', 'd', 'e', 'f', 'g', 'K'].sort());
    assert.doesNotMatch(transformCell("const s = 'const y = 2';\n// const z = 3").body, /\by = 2;/, 'strings and comments are not code');
  });

  it('keeps top-level variables from one cell to the next, as a kernel does, until the session is reset', async () => {
    const { ctx } = context();
    const session = new CellSession();
    await runCell('const r = { output: "x.baler" };\nlet n = 1;\nfunction twice(v) { return 2 * v; }\nclass Box { constructor(v) { this.v = v; } }', dir, ctx, session);
    assert.deepEqual((await runCell('r.output', dir, ctx, session)).value, { kind: 'text', text: 'x.baler' });
    assert.deepEqual((await runCell('n = n + 1;\ntwice(n)', dir, ctx, session)).value, { kind: 'json', value: 4 });
    assert.deepEqual((await runCell('const b = new Box(early()).v;\nfunction early() { return 7; }\nb', dir, ctx, session)).value, { kind: 'json', value: 7 }, 'functions are hoisted within a cell');
    assert.deepEqual((await runCell('const r = 5;\nr', dir, ctx, session)).value, { kind: 'json', value: 5 }, 'running a cell again may declare the same const');
    assert.deepEqual((await runCell('typeof Box', dir, ctx, session)).value, { kind: 'text', text: 'function' });
    await assert.rejects(runCell('r', dir, ctx, new CellSession()), /r is not defined/, 'a new session starts empty');
  });

  it('shows where a cell failed, in the cell, without the bundle\'s stack frames', async () => {
    const { ctx } = context();
    await assert.rejects(runCell('const a = 1;\nmissing.output', dir, ctx), (err: Error) => {
      assert.equal(err.name, 'ReferenceError');
      assert.equal(err.stack, 'ReferenceError: missing is not defined\n    at cell line 2');
      return true;
    });
    await assert.rejects(runCell('const a = 1;\nconst = ;', dir, ctx), /syntax error in cell \(line 2, column 7\)/);
  });

  it('refuses bad option values in %baler lines with one line naming the option (the CLI\'s option table)', async () => {
    const { ctx } = context();
    for (const [line, option] of [['--epochs -5', '--epochs'], ['--latent 0', '--latent'], ['--batch-size 0', '--batch-size'], ['--error-bound rel:-1', '--error-bound']]) {
      await assert.rejects(runCell(`%baler compress t.csv ${line}`, dir, ctx), (err: Error) => {
        assert.equal(err.name, 'BalerError');
        assert.ok(err.message.includes(option), err.message);
        assert.equal(err.message.includes('\n'), false);
        return true;
      });
    }
  });

  it('applies the settings\' autoencoder defaults only to a cell that asks for an autoencoder, which a cell option overrides', async () => {
    const { ctx } = context();
    const withDefaults = { ...ctx, defaults: { epochs: 2, latent: 1 } };
    const plain = await runCell("const p = (await baler.compress('t.csv', { output: 'd0.baler' })).info; [p.mode, p.architecture]", dir, withDefaults);
    assert.deepEqual(plain.value, { kind: 'json', value: ['lossless', undefined] }, 'the CLI\'s automatic path (here lossless is smallest), not training');
    const first = await runCell("(await baler.compress('t.csv', { output: 'd1.baler', modelType: 'dense' })).info.architecture.latent", dir, withDefaults);
    const second = await runCell("(await baler.compress('t.csv', { output: 'd2.baler', latent: 3 })).info.architecture.latent", dir, withDefaults);
    assert.deepEqual(first.value, { kind: 'json', value: 1 }, 'the default latent applies');
    assert.deepEqual(second.value, { kind: 'json', value: 3 });
  });

  it('compresses several files against one shared model, paths relative to the notebook folder', async () => {
    const { ctx } = context();
    for (const name of ['s1.csv', 's2.csv']) fs.copyFileSync(path.join(dir, 't.csv'), path.join(dir, name));
    // With the settings' autoencoder defaults in the context, as the extension passes them.
    const withDefaults = { ...ctx, defaults: { epochs: 2, modelType: 'dense' as const } };
    const result = await runCell("const r = await baler.compressSet(['s1.csv', 's2.csv'], { modelFile: 'm.balermodel', trainSeconds: 2 });\n[r.set.files.length, r.trained.files]", dir, withDefaults);
    assert.deepEqual(result.value, { kind: 'json', value: [2, 2] });
    for (const name of ['m.balermodel', 's1.baler', 's2.baler']) assert.ok(fs.existsSync(path.join(dir, name)), name);
  });

  it('runs JavaScript with display() and console output', async () => {
    const { outputs, ctx } = context();
    const result = await runCell("display('shown');\nconsole.log('n', 2);\n[1, 2].length", dir, ctx);
    assert.deepEqual(outputs, [{ kind: 'text', text: 'shown' }, { kind: 'text', text: 'n 2', stream: 'stdout' }]);
    assert.deepEqual(result.value, { kind: 'json', value: 2 });
  });

  it('runs %baler compress and info, paths relative to the notebook folder', async () => {
    const { outputs, ctx } = context();
    await runCell('%baler compress t.csv --error-bound abs:1e-3 --force\n%baler info t.baler', dir, ctx);
    assert.ok(fs.existsSync(path.join(dir, 't.baler')));
    const tables = outputs.filter((o) => o.kind === 'info');
    assert.equal(tables.length, 2);
    assert.ok(tables[1].kind === 'info' && tables[1].sections.some((s) => s.rows.some((r) => r.key === 'ratio.total')));
  });

  it('rejects an unknown %baler option with a one-line error', async () => {
    const { ctx } = context();
    await assert.rejects(runCell('%baler compress t.csv --bogus', dir, ctx), (err: Error) => {
      assert.equal(err.name, 'BalerError');
      assert.match(err.message, /unknown option '--bogus'/);
      return true;
    });
  });

  it('reports a syntax error as a BalerError', async () => {
    const { ctx } = context();
    await assert.rejects(runCell('const = ;', dir, ctx), (err: Error) => err.name === 'BalerError' && /syntax error in cell/.test(err.message));
  });

  it('turns results into rich outputs', () => {
    assert.deepEqual(toCellOutput('hi'), { kind: 'text', text: 'hi' });
    assert.equal(toCellOutput({ balerReport: true, title: 't', data: {} as never }).kind, 'report');
  });
});
