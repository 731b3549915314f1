// The UI test of scripts/vscode-tests.mjs, driven through Chromium like a user: right-click a data file in
// the explorer, run "Compress File", accept the proposed target, wait for the result notification, open the
// dashboard from it, check that its plots rendered inside the webview, and save screenshots.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const STEP_TIMEOUT_MS = 60_000;
const COMPRESS_TIMEOUT_MS = 240_000;

/** A smooth 400 × 8 table: trains to a useful ratio in a few seconds. */
function writeFixtureCsv(file) {
  const cols = 8;
  const lines = [Array.from({ length: cols }, (_, c) => `sensor${c}`).join(',')];
  for (let r = 0; r < 400; r++) {
    const t = r / 400;
    const a = Math.sin(2 * Math.PI * t);
    const b = Math.cos(3 * Math.PI * t);
    lines.push(Array.from({ length: cols }, (_, c) => (1 + c * 0.5 + a * (c % 3) + b * ((c + 1) % 2)).toFixed(5)).join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

function settingsFor(workspace) {
  const dir = join(workspace, '.vscode');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({
    'baler.epochs': 60,
    'baler.defaultCompressionRatio': 4,
  }, null, 2));
}

async function retry(what, fn, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`${what}: ${lastError?.message ?? 'timed out'}`);
}

/**
 * The result notification: as a toast, or (headless Chromium often keeps toasts hidden: the page never has
 * focus) in the notification center, opened from the status bar bell.
 */
async function waitForResultNotification(page, workspace) {
  const toast = page.locator('.notification-toast', { hasText: 'compressed sensors.csv' }).first();
  const listed = page.locator('.notifications-center .notification-list-item', { hasText: 'compressed sensors.csv' }).first();
  return retry('the result notification', async () => {
    if (await toast.isVisible()) return toast;
    if (!existsSync(join(workspace, 'sensors.baler'))) throw new Error('sensors.baler not written yet');
    if (!(await listed.isVisible())) {
      await page.keyboard.press('Escape');
      await page.locator('.statusbar-item[id="status.notifications"] a, .statusbar-item[id="status.notifications"]').first().click();
      await listed.waitFor({ timeout: 3_000 });
    }
    return listed;
  }, COMPRESS_TIMEOUT_MS);
}

/** The frame (nested webview iframe) whose document has the dashboard's plots. */
async function findDashboardFrame(page) {
  for (const frame of page.frames()) {
    const count = await frame.locator('#plots .js-plotly-plot').count().catch(() => 0);
    if (count > 0) return { frame, count };
  }
  return undefined;
}

/** A notebook with the Baler kernelspec: open it from the explorer, Run All, check the inline charts. */
async function notebookPass(page, workspace, outputDir, log) {
  const notebook = {
    cells: [{ cell_type: 'code', source: ['%baler report sensors.baler'], metadata: {}, outputs: [], execution_count: null }],
    metadata: { kernelspec: { name: 'baler', display_name: 'Baler', language: 'javascript' }, language_info: { name: 'javascript' } },
    nbformat: 4, nbformat_minor: 5,
  };
  writeFileSync(join(workspace, 'report.ipynb'), JSON.stringify(notebook));
  log('UI test: notebook: open report.ipynb, Run All');
  await page.keyboard.press('Escape');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'report.ipynb' }).first();
  await retry('report.ipynb in the explorer', async () => {
    await page.locator('.explorer-folders-view').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await row.waitFor({ timeout: 2_000 });
  });
  await row.dblclick();
  const runAll = page.locator('.notebook-toolbar-container .action-item a', { hasText: 'Run All' }).first();
  await runAll.waitFor({ timeout: STEP_TIMEOUT_MS });
  await retry('the Baler kernel to be selected', async () => {
    const label = await page.locator('.notebook-toolbar-container').first().innerText();
    if (!/Baler/.test(label)) throw new Error(`kernel picker shows: ${label.replace(/\s+/g, ' ')}`);
  });
  await runAll.click();
  const charts = await retry('inline report charts in the notebook output', async () => {
    for (const frame of page.frames()) {
      const n = await frame.locator('.baler-report .js-plotly-plot').count().catch(() => 0);
      if (n > 0) return n;
    }
    throw new Error('no rendered report yet');
  }, 120_000);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(outputDir, 'notebook.png') });
  log(`UI test: notebook shows ${charts} inline charts; screenshot ${join(outputDir, 'notebook.png')}`);
}

export async function runUiTest({ browser, port, repo, workspace, outputDir, log }) {
  const dataFile = join(workspace, 'sensors.csv');
  writeFixtureCsv(dataFile);
  settingsFor(workspace);
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const params = new URLSearchParams({ folder: workspace, payload: JSON.stringify([['extensionDevelopmentPath', remote(repo)]]) });
  const shot = (name) => page.screenshot({ path: join(outputDir, name) }).catch(() => undefined);
  try {
    await page.goto(`http://127.0.0.1:${port}/?${params}`);
    log('UI test: workbench loading');
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sensors.csv' });
    await row.first().waitFor({ timeout: STEP_TIMEOUT_MS });
    log('UI test: right-click sensors.csv in the explorer');
    // The menu lists the extension's command once its contributions are scanned: retry until it does.
    await retry('the explorer context menu offers "Compress File"', async () => {
      await page.keyboard.press('Escape');
      await row.first().click({ button: 'right' });
      const item = page.locator('.monaco-menu .action-item', { hasText: 'Compress File' });
      await item.first().waitFor({ timeout: 2_000 });
      await shot('ui-1-context-menu.png');
      await item.first().click();
    });
    log('UI test: accept the proposed compression target');
    const input = page.locator('.quick-input-widget input');
    await input.first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await shot('ui-2-target.png');
    await input.first().press('Enter');
    await page.waitForTimeout(1500);
    await shot('ui-3-progress.png');
    log('UI test: waiting for the compression to finish');
    const notification = await waitForResultNotification(page, workspace);
    const text = (await notification.innerText()).replace(/\s+/g, ' ');
    log(`UI test: notification: ${text.slice(0, 200)}`);
    if (!/total \(decoder counted\)/.test(text)) throw new Error(`notification lacks the total ratio: ${text}`);
    await shot('ui-4-notification.png');
    await notification.locator('.monaco-button', { hasText: 'Open Dashboard' }).first().click();
    log('UI test: dashboard opening');
    const found = await retry('the dashboard webview shows plots', async () => {
      const f = await findDashboardFrame(page);
      if (!f) throw new Error('no webview frame with plots yet');
      return f;
    }, 120_000);
    const svgCount = await found.frame.locator('#plots .js-plotly-plot .main-svg').count();
    const titles = await found.frame.locator('#plots .plot').evaluateAll((els) => els.map((e) => e.dataset.figure));
    if (svgCount === 0) throw new Error('the plots have no SVG drawn');
    await page.waitForTimeout(500);
    const screenshot = join(outputDir, 'dashboard.png');
    await page.screenshot({ path: screenshot });
    log(`UI test: ${found.count} plots in the dashboard (${titles.slice(0, 6).join(', ')}…); screenshot ${screenshot}`);
    await notebookPass(page, workspace, outputDir, log);
    log('UI test: passed');
    return { passed: 1, failed: 0 };
  } catch (err) {
    await shot('ui-failure.png');
    log(`UI test: FAILED: ${err.message} (screenshot ${join(outputDir, 'ui-failure.png')})`);
    return { passed: 0, failed: 1 };
  } finally {
    await page.close().catch(() => undefined);
  }
}
