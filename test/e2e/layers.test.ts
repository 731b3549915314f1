// The layers the compiler enforces (tsconfig per layer): engine code that touches the DOM or imports vscode,
// or webview code that uses Node, fails to compile. Probes are compiled with each layer's own tsconfig.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..', '..');
// Inside the repository so that node_modules/@types resolves as it does for the real sources.
const probes = path.join(repo, 'node_modules', '.cache', 'baler-layer-probes');

function compile(layer: string, source: string): { ok: boolean; output: string } {
  const dir = path.join(probes, layer.replace(/\W/g, '-'));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'probe.ts'), source);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ extends: path.join(repo, layer, 'tsconfig.json'), include: ['probe.ts'] }));
  const r = spawnSync(process.execPath, [path.join(repo, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', dir], { encoding: 'utf8' });
  return { ok: r.status === 0, output: r.stdout + r.stderr };
}

describe('layers checked by the compiler', function () {
  this.timeout(60_000);
  after(() => fs.rmSync(probes, { recursive: true, force: true }));

  it('the engine has Node but neither the DOM nor vscode', () => {
    assert.ok(compile('src/kernel', "import * as fs from 'node:fs';\nexport const n: number = fs.constants.F_OK;\n").ok);
    assert.match(compile('src/kernel', 'export const t = document.title;\n').output, /document/);
    assert.match(compile('src/kernel', "import * as vscode from 'vscode';\nexport const v = vscode.window;\n").output, /window/);
  });

  it('webviews have the DOM but not Node', () => {
    assert.ok(compile('webviews', 'export const t: string = document.title;\n').ok);
    assert.match(compile('webviews', "import * as fs from 'node:fs';\nexport const x = fs;\n").output, /node:fs|fs/);
    assert.match(compile('webviews', 'export const b = Buffer.from("x");\n').output, /Buffer/);
  });

  it('the extension has vscode and Node, not the DOM', () => {
    assert.ok(compile('src/extension', "import * as vscode from 'vscode';\nexport const v: string = vscode.version;\n").ok);
    assert.match(compile('src/extension', 'export const t = window.document;\n').output, /window/);
  });
});
