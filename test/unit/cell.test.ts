// The notebook cell language of the "Baler" kernel: JavaScript with `baler` in scope and %baler CLI lines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCell, splitArgs, transformCell, toCellOutput } from '../../src/kernel/cell';
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

  it('returns the last expression, but not a declaration', () => {
    assert.match(transformCell('const x = 1;\nx + 1'), /return \(x \+ 1\);$/);
    assert.doesNotMatch(transformCell('const x = 1;'), /return/);
    assert.match(transformCell('%baler info a.baler'), /await baler\.cli\("info a\.baler"\)/);
  });

  it('compresses with the settings-derived defaults, which a cell option overrides', async () => {
    const { ctx } = context();
    const withDefaults = { ...ctx, defaults: { epochs: 2, latent: 1 } };
    const first = await runCell("(await baler.compress('t.csv', { output: 'd1.baler' })).info.architecture.latent", dir, withDefaults);
    const second = await runCell("(await baler.compress('t.csv', { output: 'd2.baler', latent: 3 })).info.architecture.latent", dir, withDefaults);
    assert.deepEqual(first.value, { kind: 'json', value: 1 }, 'the default latent applies');
    assert.deepEqual(second.value, { kind: 'json', value: 3 });
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
    const tables = outputs.filter((o) => o.kind === 'table');
    assert.equal(tables.length, 2);
    assert.ok(tables[1].kind === 'table' && tables[1].rows.some((r) => r[0] === 'ratio, total'));
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
    await assert.rejects(runCell('const = ;', dir, ctx), /syntax error in cell/);
  });

  it('turns results into rich outputs', () => {
    assert.deepEqual(toCellOutput('hi'), { kind: 'text', text: 'hi' });
    assert.equal(toCellOutput({ balerReport: true, title: 't', data: {} }).kind, 'report');
  });
});
