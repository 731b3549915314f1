// Compress Files with One Shared Model, as the explorer's multi-select calls it: every selected file coded
// against one model file, the set's total with that model counted once.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ResultOf } from '../../src/kernel/protocol';
import { activateExtension, fixturePath, writeNpz } from './helpers';

describe('Compress Files with One Shared Model', function () {
  before(async () => {
    await activateExtension();
  });

  it('codes every selected file against one shared model and counts it once in the set total', async () => {
    const files = [1, 2, 3].map((i) => writeNpz(fixturePath(`run-${i}.npz`), 12 + 4 * i, 16, 16));
    const modelFile = fixturePath('runs.balermodel');
    fs.rmSync(modelFile, { force: true });
    const uris = files.map((f) => vscode.Uri.file(f));
    const result = await vscode.commands.executeCommand<ResultOf<'compressSet'>>('baler.compressFilesWithSharedModel', uris[0], uris, { modelFile, force: true, trainSeconds: 5 });
    assert.ok(result, 'the command returns its result');
    assert.ok(fs.existsSync(modelFile), 'the model file was trained and written');
    assert.equal(result.trained?.files, 3, 'trained on every selected file');
    assert.deepEqual(result.results.map((r) => r.output), files.map((f) => f.replace(/\.npz$/, '.baler')));
    const fileBytes = result.results.reduce((sum, r) => sum + fs.statSync(r.output).size, 0);
    const modelBytes = result.set.sharedModels.reduce((sum, m) => sum + m.bytes, 0);
    assert.equal(result.set.totalBytes, fileBytes + modelBytes, 'every .baler plus each shared model once');
    for (const m of result.set.sharedModels) assert.equal(m.bytes, fs.statSync(modelFile).size);
  });

  it('asks for two or more files instead of running on one', async () => {
    const one = vscode.Uri.file(fixturePath('run-1.npz'));
    const result = await vscode.commands.executeCommand('baler.compressFilesWithSharedModel', one, [one]);
    assert.equal(result, undefined);
    assert.ok(!fs.existsSync(path.join(path.dirname(one.fsPath), 'shared.balermodel')), 'nothing trained');
  });
});
