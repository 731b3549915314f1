// The UI test of scripts/vscode-tests.mjs, driven through Chromium like a person: what only a person sees.
//  1. right-click a data file: the menu says "Baler: Compress File"; the target picker lists presets, the
//     recommended one first; pick the autoencoder; the result notification; Open Dashboard: plots drawn, colour
//     bars and ticks clean; the new .baler has an icon in the explorer. Screenshot dashboard.png.
//  2. a notebook with the Baler kernel: Run All; the report is compact (a column picker, not a wall of charts);
//     variables carry from cell to cell. Screenshot notebook.png.
//  3. a project config: opening it shows the project view beside it; Train (a button in the view) draws the
//     live loss curve with points; Compress adds the measured point to the trade-off chart beside the config.
//     Screenshots project-training.png and project-view.png.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const STEP_TIMEOUT_MS = 60_000;
const COMPRESS_TIMEOUT_MS = 240_000;

/** A smooth table: trains to a useful ratio in a few seconds. */
function smoothTable(rows, cols, prefix) {
  const lines = [Array.from({ length: cols }, (_, c) => `${prefix}${c}`).join(',')];
  for (let r = 0; r < rows; r++) {
    const t = r / rows;
    const a = Math.sin(2 * Math.PI * t);
    const b = Math.cos(3 * Math.PI * t);
    lines.push(Array.from({ length: cols }, (_, c) => (1 + c * 0.5 + a * (c % 3) + b * ((c + 1) % 2)).toFixed(5)).join(','));
  }
  return lines.join('\n') + '\n';
}

function prepareWorkspace(workspace) {
  writeFileSync(join(workspace, 'sensors.csv'), smoothTable(400, 8, 'sensor'));
  const dir = join(workspace, '.vscode');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ 'baler.epochs': 60, 'baler.defaultCompressionRatio': 4 }, null, 2));
  const project = join(workspace, 'workspaces', 'lab', 'sensors');
  mkdirSync(join(project, 'config'), { recursive: true });
  mkdirSync(join(workspace, 'workspaces', 'lab', 'data'), { recursive: true });
  writeFileSync(join(workspace, 'workspaces', 'lab', 'data', 'sensors.csv'), smoothTable(600, 8, 'channel'));
  writeFileSync(join(project, 'config', 'sensors_config.json'), JSON.stringify({
    inputPath: '../data/sensors.csv', modelType: 'dense', latent: 3, compressionRatio: 2.7, epochs: 80, batchSize: 64,
    learningRate: 0.002, seed: 42, validationSplit: 0.1, earlyStoppingPatience: 80, lrPlateauPatience: 40, backend: 'auto',
    latentPrecision: 'float32', decoderPrecision: 'float32', entropy: 'zstd', decoder: 'embedded', targetPsnr: 40,
  }, null, 2) + '\n');
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

/** The result notification: as a toast, or in the notification center (headless Chromium may hide toasts). */
async function waitForNotification(page, text, fileThatMustExist) {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  const listed = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  return retry(`the notification "${text}"`, async () => {
    if (await toast.isVisible()) return toast;
    if (fileThatMustExist && !existsSync(fileThatMustExist)) throw new Error(`${fileThatMustExist} not written yet`);
    if (!(await listed.isVisible())) {
      await page.keyboard.press('Escape');
      await page.locator('.statusbar-item[id="status.notifications"] a, .statusbar-item[id="status.notifications"]').first().click();
      await listed.waitFor({ timeout: 3_000 });
    }
    return listed;
  }, COMPRESS_TIMEOUT_MS);
}

/** The (nested webview) frame in which `selector` matches. */
async function frameWith(page, selector, what, timeoutMs = 120_000) {
  return retry(what, async () => {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    throw new Error(`no frame with ${selector} yet`);
  }, timeoutMs);
}

async function explorerRow(page, name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await retry(`${name} in the explorer`, async () => {
    await page.locator('.explorer-folders-view').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
    await row.waitFor({ timeout: 2_000 });
  });
  return row;
}

async function compressPass(page, workspace, outputDir, log, shot) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sensors.csv' });
  await row.first().waitFor({ timeout: STEP_TIMEOUT_MS });
  log('UI test: right-click sensors.csv in the explorer');
  await retry('the explorer context menu offers "Baler: Compress File"', async () => {
    await page.keyboard.press('Escape');
    await row.first().click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Baler: Compress File' });
    await item.first().waitFor({ timeout: 2_000 });
    await shot('ui-1-context-menu.png');
    await item.first().click();
  });
  log('UI test: the target picker: presets, recommended first');
  const first = page.locator('.quick-input-list .monaco-list-row').first();
  await first.waitFor({ timeout: STEP_TIMEOUT_MS });
  const firstText = (await first.innerText()).replace(/\s+/g, ' ');
  if (!/Error bound/.test(firstText) || !/recommended/.test(firstText)) throw new Error(`the first preset is not the recommended error bound: ${firstText}`);
  await shot('ui-2-target.png');
  await page.locator('.quick-input-widget input').first().fill('Autoencoder, ratio 4');
  await page.waitForTimeout(300);
  const picked = (await page.locator('.quick-input-list .monaco-list-row').first().innerText()).replace(/\s+/g, ' ');
  if (!/Autoencoder, ratio 4/.test(picked)) throw new Error(`filtering the presets found: ${picked}`);
  await page.locator('.quick-input-widget input').first().press('Enter');
  log('UI test: waiting for the compression to finish');
  const notification = await waitForNotification(page, 'compressed sensors.csv', join(workspace, 'sensors.baler'));
  const text = (await notification.innerText()).replace(/\s+/g, ' ');
  log(`UI test: notification: ${text.slice(0, 200)}`);
  if (!/total \(decoder counted\)/.test(text)) throw new Error(`notification lacks the total ratio: ${text}`);
  await notification.locator('.monaco-button', { hasText: 'Open Dashboard' }).first().click();
  const frame = await frameWith(page, '#plots .js-plotly-plot .main-svg', 'the dashboard webview shows plots');
  await retry('the dashboard to finish drawing', async () => {
    if ((await frame.locator('body[data-layout-issues]').count()) === 0) throw new Error('not yet');
  });
  const issues = await frame.locator('body').getAttribute('data-layout-issues');
  if (issues !== '0') throw new Error(`the dashboard layout has ${issues} issue(s) (colour bars over captions or SI ticks)`);
  const summary = (await frame.locator('#status').innerText()).replace(/\s+/g, ' ');
  if (!/× total \(decoder counted\)/.test(summary)) throw new Error(`dashboard headline: ${summary}`);
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(outputDir, 'dashboard.png') });
  log(`UI test: dashboard: ${summary}; screenshot ${join(outputDir, 'dashboard.png')}`);
  const icon = await retry('the .baler icon in the explorer', async () => {
    const label = (await explorerRow(page, 'sensors.baler')).locator('.monaco-icon-label').first();
    const cls = (await label.getAttribute('class')) ?? '';
    if (!/baler-lang-file-icon/.test(cls)) throw new Error(`label classes: ${cls}`);
    const image = await label.evaluate((el) => getComputedStyle(el, '::before').backgroundImage);
    if (!image || image === 'none') throw new Error('no icon image drawn');
    return image;
  });
  log(`UI test: sensors.baler shows its icon (${icon.slice(0, 60)}…)`);
}

async function notebookPass(page, workspace, outputDir, log) {
  const notebook = {
    cells: [
      { cell_type: 'code', source: ['const info = await baler.info("sensors.baler")'], metadata: {}, outputs: [], execution_count: null },
      { cell_type: 'code', source: ['`decoder bytes: ${info.sizes.decoder}`'], metadata: {}, outputs: [], execution_count: null },
      { cell_type: 'code', source: ['%baler report sensors.baler'], metadata: {}, outputs: [], execution_count: null },
    ],
    metadata: { kernelspec: { name: 'baler', display_name: 'Baler', language: 'javascript' }, language_info: { name: 'javascript' } },
    nbformat: 4, nbformat_minor: 5,
  };
  writeFileSync(join(workspace, 'report.ipynb'), JSON.stringify(notebook));
  log('UI test: notebook: open report.ipynb, Run All');
  await page.keyboard.press('Escape');
  await (await explorerRow(page, 'report.ipynb')).dblclick();
  const runAll = page.locator('.notebook-toolbar-container .action-item a', { hasText: 'Run All' }).first();
  await runAll.waitFor({ timeout: STEP_TIMEOUT_MS });
  await retry('the Baler kernel to be selected', async () => {
    const label = await page.locator('.notebook-toolbar-container').first().innerText();
    if (!/Baler/.test(label)) throw new Error(`kernel picker shows: ${label.replace(/\s+/g, ' ')}`);
  });
  await runAll.click();
  const frame = await frameWith(page, '.baler-report .js-plotly-plot', 'inline report charts in the notebook output');
  await retry('the report to finish drawing', async () => {
    if ((await frame.locator('.baler-report[data-layout-issues]').count()) === 0) throw new Error('not yet');
  });
  const charts = await frame.locator('.baler-report .js-plotly-plot').count();
  const picker = await frame.locator('.baler-report select').count();
  const height = await frame.locator('.baler-report').first().evaluate((el) => el.getBoundingClientRect().height);
  if (picker !== 1 || charts > 6) throw new Error(`the inline report has ${charts} charts and ${picker} column pickers (expected ≤ 6 and 1)`);
  if (height > 2400) throw new Error(`the inline report is ${Math.round(height)} px tall`);
  const carried = await retry('the second cell to show the variable of the first', async () => {
    const outputs = await page.locator('.output-plaintext, .output_container, .output').allInnerTexts().catch(() => []);
    const found = outputs.find((t) => /decoder bytes: \d+/.test(t));
    if (found) return found;
    for (const f of page.frames()) {
      const t = await f.locator('body').innerText().catch(() => '');
      if (/decoder bytes: \d+/.test(t)) return t.match(/decoder bytes: \d+/)[0];
    }
    throw new Error('not shown yet');
  });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(outputDir, 'notebook.png') });
  log(`UI test: notebook: ${charts} inline charts, ${Math.round(height)} px, one column picker; state carried ("${carried.trim().slice(0, 40)}"); screenshot ${join(outputDir, 'notebook.png')}`);
}

async function projectPass(page, workspace, outputDir, log) {
  log('UI test: project: open workspaces/lab/sensors/config/sensors_config.json');
  await page.keyboard.press('Escape');
  for (const folder of ['workspaces', 'lab', 'sensors', 'config']) {
    const row = await explorerRow(page, folder);
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
  }
  await (await explorerRow(page, 'sensors_config.json')).dblclick();
  const view = await frameWith(page, '#app button[data-action="train"]', 'the project view beside the config', 60_000);
  await retry('the project view to show lab/sensors', async () => {
    const title = await view.locator('#title').innerText();
    if (!/lab\/sensors/.test(title)) throw new Error(`project view title: ${title}`);
  });
  log('UI test: project: Train (button in the view)');
  await view.locator('button[data-action="train"]').click();
  const livePoints = await retry('the live loss curve to have points', async () => {
    const n = await view.locator('#loss .js-plotly-plot').evaluate((el) => (el.data?.[0]?.x?.length ?? 0)).catch(() => 0);
    if (n < 3) throw new Error(`${n} points so far`);
    const inView = await view.locator('#loss .js-plotly-plot').evaluate((el) => {
      const range = el._fullLayout.xaxis.range;
      const xs = el.data[0].x;
      return xs.every((x) => x >= range[0] && x <= range[1]);
    });
    if (!inView) throw new Error('points outside the visible epoch range');
    return n;
  }, 120_000);
  await page.screenshot({ path: join(outputDir, 'project-training.png') });
  log(`UI test: project: live loss curve with ${livePoints} points in view`);
  await retry('training to end', async () => {
    const message = await view.locator('#message').innerText();
    if (!/trained/.test(message)) throw new Error(`status: ${message}`);
  }, 240_000);
  log('UI test: project: Compress (button in the view)');
  await retry('the Compress button to be enabled', async () => {
    if (await view.locator('button[data-action="compress"]').isDisabled()) throw new Error('disabled');
  });
  await view.locator('button[data-action="compress"]').click();
  const points = await retry('the trade-off chart to show the measured point', async () => {
    const n = await view.locator('#tradeoff .js-plotly-plot .scatterlayer .point').count();
    if (n < 1) throw new Error('no point yet');
    return n;
  }, 240_000);
  const editorVisible = await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: '"latent"' }).first().isVisible();
  if (!editorVisible) throw new Error('the config is not visible beside the project view');
  const quality = (await view.locator('#quality').innerText()).replace(/\s+/g, ' ');
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(outputDir, 'project-view.png') });
  log(`UI test: project view beside its config: ${points} trade-off point(s); ${quality}; screenshot ${join(outputDir, 'project-view.png')}`);
}

export async function runUiTest({ browser, port, repo, workspace, outputDir, log }) {
  prepareWorkspace(workspace);
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const params = new URLSearchParams({ folder: workspace, payload: JSON.stringify([['extensionDevelopmentPath', remote(repo)]]) });
  const shot = (name) => page.screenshot({ path: join(outputDir, name) }).catch(() => undefined);
  const passes = [['compress and dashboard', compressPass], ['notebook', notebookPass], ['project view', projectPass]];
  let passed = 0, failed = 0;
  try {
    await page.goto(`http://127.0.0.1:${port}/?${params}`);
    log('UI test: workbench loading');
    for (const [name, pass] of passes) {
      try {
        await pass(page, workspace, outputDir, log, shot);
        passed++;
        log(`UI test: ${name}: passed`);
      } catch (err) {
        failed++;
        const file = `ui-failure-${name.replace(/\W+/g, '-')}.png`;
        await shot(file);
        log(`UI test: ${name}: FAILED: ${err.message} (screenshot ${join(outputDir, file)})`);
      }
    }
  } catch (err) {
    failed++;
    log(`UI test: FAILED: ${err.message}`);
  } finally {
    await page.close().catch(() => undefined);
  }
  return { passed, failed };
}
