import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONTROLLER_ID, REPORT_MIME } from '../../src/extension/notebook';
import { activateExtension, EXTENSION_ID, waitFor, workspaceDir, writeCsv } from './helpers';

function ipynb(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source) => ({ cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })),
    metadata: { language_info: { name: 'javascript' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

async function openNotebook(name: string, cells: string[]): Promise<vscode.NotebookEditor> {
  const file = path.join(workspaceDir(), 'notebooks', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, ipynb(cells));
  const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
  const editor = await vscode.window.showNotebookDocument(doc);
  for (let i = 0; i < doc.cellCount; i++) {
    const cell = doc.cellAt(i);
    if (cell.document.languageId !== 'javascript') await vscode.languages.setTextDocumentLanguage(cell.document, 'javascript');
  }
  await vscode.commands.executeCommand('notebook.selectKernel', { id: CONTROLLER_ID, extension: EXTENSION_ID });
  return editor;
}

async function runCell(doc: vscode.NotebookDocument, index: number, timeoutMs = 180_000): Promise<vscode.NotebookCell> {
  const before = doc.cellAt(index).executionSummary?.executionOrder;
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: index, end: index + 1 }], document: doc.uri });
  return waitFor(`cell ${index} to finish`, () => {
    const cell = doc.cellAt(index);
    const s = cell.executionSummary;
    return s && s.executionOrder !== before && s.success !== undefined && s.timing?.endTime ? cell : undefined;
  }, timeoutMs);
}

function mimes(cell: vscode.NotebookCell): string[] {
  return cell.outputs.flatMap((o) => o.items.map((i) => i.mime));
}

function text(cell: vscode.NotebookCell, mime?: string): string {
  return cell.outputs.flatMap((o) => o.items).filter((i) => !mime || i.mime === mime).map((i) => new TextDecoder().decode(i.data)).join('\n');
}

describe('notebook controller "Baler"', () => {
  before(async () => {
    await activateExtension();
    fs.mkdirSync(path.join(workspaceDir(), 'notebooks'), { recursive: true });
    writeCsv(path.join(workspaceDir(), 'notebooks', 'cells.csv'), 300, 6);
  });

  it('runs %baler lines and JavaScript cells with tables, values and charts as outputs', async () => {
    const editor = await openNotebook('demo.ipynb', [
      '%baler compress cells.csv --ratio 3 --epochs 30 --force',
      "const info = await baler.info('cells.baler');\nconsole.log('total ratio', info.ratios.total.toFixed(2));\ninfo.sizes.total",
      "await baler.report('cells.baler')",
      '%baler info does-not-exist.baler',
    ]);
    const doc = editor.notebook;

    const compress = await runCell(doc, 0);
    assert.equal(compress.executionSummary?.success, true, text(compress));
    assert.ok(mimes(compress).includes('text/markdown'), `table output: ${mimes(compress)}`);
    assert.match(text(compress, 'text/markdown'), /total \\\(decoder counted\\\)/);
    assert.ok(!compress.outputs.some((o) => o.metadata?.baler === 'progress'), 'the progress line is gone after success (defect 8)');
    assert.ok(fs.existsSync(path.join(workspaceDir(), 'notebooks', 'cells.baler')));

    const js = await runCell(doc, 1);
    assert.equal(js.executionSummary?.success, true, text(js));
    assert.match(text(js), /total ratio \d/);
    const total = Number(text(js, 'text/plain'));
    assert.ok(total > 0, `last expression value: ${text(js, 'text/plain')}`);

    const report = await runCell(doc, 2);
    assert.equal(report.executionSummary?.success, true, text(report));
    assert.ok(mimes(report).includes(REPORT_MIME), `report output: ${mimes(report)}`);
    const reportJson = JSON.parse(text(report, REPORT_MIME));
    assert.equal(reportJson.data.summary.sizes.total, total);
    assert.match(text(report, 'text/plain'), /decoder counted/, 'text fallback');

    const failing = await runCell(doc, 3);
    assert.equal(failing.executionSummary?.success, false);
    assert.ok(mimes(failing).includes('application/vnd.code.notebook.error'));
    assert.match(text(failing), /does-not-exist\.baler/);
  });

  it('interrupting a cell cancels training', async () => {
    writeCsv(path.join(workspaceDir(), 'notebooks', 'long.csv'), 2000, 16);
    const editor = await openNotebook('interrupt.ipynb', ['%baler compress long.csv --ratio 4 --epochs 100000 --force']);
    const doc = editor.notebook;
    // The execute command resolves when the cell ends: start it without waiting.
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    await waitFor('training progress in the cell', () => /epoch \d+\//.test(text(doc.cellAt(0))) || undefined, 120_000)
      .catch((err: Error) => { throw new Error(`${err.message}; outputs: ${mimes(doc.cellAt(0))} ${text(doc.cellAt(0))}; summary ${JSON.stringify(doc.cellAt(0).executionSummary)}`); });
    const started = Date.now();
    await vscode.commands.executeCommand('notebook.cell.cancelExecution', { ranges: [{ start: 0, end: 1 }], document: doc.uri });
    const cell = await waitFor('the cell to stop', () => (doc.cellAt(0).executionSummary?.success === false ? doc.cellAt(0) : undefined), 30_000);
    assert.ok(Date.now() - started < 30_000);
    assert.match(text(cell), /Cancelled|interrupted/);
    assert.equal(fs.existsSync(path.join(workspaceDir(), 'notebooks', 'long.baler')), false);
    await waitFor('the progress line to go', () => (!cell.outputs.some((o) => o.metadata?.baler === 'progress') ? true : undefined), 10_000);
    assert.doesNotMatch(text(cell), /epoch \d+\//, 'no progress line left after an interrupt (defect 8)');
  });

  it('keeps variables between cells, with cell-only stack traces, until the kernel restarts (defect 3)', async () => {
    const editor = await openNotebook('state.ipynb', [
      "const r = await baler.info('cells.baler');\nlet count = 1;",
      'count += 1;\n`${r.sizes.total > 0} ${count}`',
      'r.output.length',
    ]);
    const doc = editor.notebook;
    assert.equal((await runCell(doc, 0)).executionSummary?.success, true, text(doc.cellAt(0)));
    const second = await runCell(doc, 1);
    assert.equal(second.executionSummary?.success, true, text(second));
    assert.match(text(second), /true 2/);
    const failing = await runCell(doc, 2);
    assert.equal(failing.executionSummary?.success, false);
    const error = JSON.parse(text(failing, 'application/vnd.code.notebook.error'));
    assert.equal(error.name, 'TypeError');
    assert.equal(error.stack.split('\n').slice(1).join('\n'), '    at cell line 1', 'no frames of the bundled kernel');
    await vscode.commands.executeCommand('baler.restartNotebookKernel');
    const afterRestart = await runCell(doc, 1);
    assert.equal(afterRestart.executionSummary?.success, false);
    assert.match(text(afterRestart), /count is not defined|r is not defined/);
  });
});
