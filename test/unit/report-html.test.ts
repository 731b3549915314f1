import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as vm from 'node:vm';
import { generateJets } from '../../src/kernel/demo/jets';
import { buildReportData, type ReportData } from '../../src/kernel/report/data';
import { buildFigures } from '../../src/kernel/report/figures';
import { inlineScript, locatePlotly, renderReportHtml } from '../../src/kernel/report/html';
import { fakeInfo, previewReportData } from '../fixtures/report-sample';

interface Script { attributes: string; body: string }

function scriptsOf(html: string): Script[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attributes: m[1], body: m[2] }));
}

/** The HTML with script and style contents removed, so that only markup is left to check. */
function markupOf(html: string): string {
  return html.replace(/<script[^>]*>[\s\S]*?<\/script>/gi, '<script></script>').replace(/<style>[\s\S]*?<\/style>/gi, '<style></style>');
}

function count(s: string, re: RegExp): number {
  return (s.match(re) ?? []).length;
}

/** Runs the page's own drawing script against a stand-in document and Plotly; returns the ids drawn. */
function drawnFigureIds(html: string): string[] {
  const scripts = scriptsOf(html);
  const json = scripts.find((s) => /application\/json/.test(s.attributes))!.body;
  const bootstrap = scripts[scripts.length - 1].body;
  const ids = new Set([...markupOf(html).matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
  const drawn: string[] = [];
  const document = {
    getElementById: (id: string) => (id === 'baler-figures' ? { textContent: json } : ids.has(id) ? { id } : null),
    body: { setAttribute: () => undefined },
  };
  const Plotly = {
    newPlot: (el: { id: string }, data: unknown[], layout: object) => {
      assert.ok(Array.isArray(data) && data.length > 0 && typeof layout === 'object');
      drawn.push(el.id);
    },
  };
  vm.runInNewContext(bootstrap, { document, Plotly, JSON, Object, Math, String });
  return drawn;
}

describe('report HTML', () => {
  let frames: ReportData;
  let html: string;
  before(() => {
    frames = previewReportData('frames');
    html = renderReportHtml(frames);
  });

  it('inlines plotly.js and loads nothing from outside', () => {
    const plotly = fs.readFileSync(locatePlotly(), 'utf8');
    assert.ok(html.length > plotly.length);
    assert.ok(html.includes(inlineScript(plotly)), 'the whole plotly.min.js is inlined');
    assert.equal(count(html, /<script[^>]*\ssrc\s*=/gi), 0, 'no <script src>');
    assert.equal(count(markupOf(html), /\s(src|href)\s*=\s*["']?(https?:)?\/\//gi), 0, 'no external links or images');
    assert.equal(count(markupOf(html), /<link\b/gi), 0);
  });

  it('has a well-formed page structure', () => {
    const markup = markupOf(html);
    assert.match(html, /^<!DOCTYPE html>\s*<html lang="en">/);
    for (const tag of ['html', 'head', 'body', 'main', 'title', 'style']) {
      assert.equal(count(markup, new RegExp(`<${tag}[\\s>]`, 'g')), 1, `one <${tag}>`);
      assert.equal(count(markup, new RegExp(`</${tag}>`, 'g')), 1, `one </${tag}>`);
    }
    for (const tag of ['section', 'div', 'table', 'tr', 'figure', 'figcaption', 'script']) {
      assert.equal(count(markup, new RegExp(`<${tag}[\\s>]`, 'g')), count(markup, new RegExp(`</${tag}>`, 'g')), `balanced <${tag}>`);
    }
    assert.ok(markup.indexOf('</head>') < markup.indexOf('<body>') && markup.trimEnd().endsWith('</html>'));
    // An inline script may not contain anything that ends or escapes it early.
    for (const s of scriptsOf(html)) assert.doesNotMatch(s.body, /<\/script|<!--/i);
  });

  it('has a div for every figure, and its own script draws every one of them', () => {
    const figures = buildFigures(frames, 'light');
    for (const f of figures) assert.ok(html.includes(`id="${f.id}"`), f.id);
    assert.deepEqual(drawnFigureIds(html), figures.map((f) => f.id));
    for (const id of ['sizes', 'tradeoff', 'loss', 'frame-first', 'frame-middle', 'frame-last', 'residuals-0', 'reldiff-0']) {
      assert.ok(figures.some((f) => f.id === id), id);
    }
  });

  it('inline scripts are valid JavaScript and the figure data is valid JSON', () => {
    const scripts = scriptsOf(html);
    assert.equal(scripts.length, 3);
    for (const s of scripts) {
      if (/application\/json/.test(s.attributes)) assert.ok(Array.isArray(JSON.parse(s.body)));
      else assert.doesNotThrow(() => new vm.Script(s.body));
    }
  });

  it('shows the summary: both ratios, sizes and errors', () => {
    assert.match(html, /latents only/);
    assert.match(html, /total \(decoder counted\)/);
    assert.match(html, /400×/, 'latent-only ratio of the preview (1.2 MB / 3 kB)');
    assert.match(html, /12\.2×/, 'total ratio of the preview');
    for (const label of ['latents', 'decoder', 'residuals', 'header', 'PSNR', 'max abs error']) assert.ok(html.includes(label), label);
  });

  it('escapes text from the data and renders tables with per-column rows', () => {
    const ds = generateJets({ rows: 300 });
    ds.names[0] = '</script><img src=x onerror=alert(1)>';
    const reconstructed = ds.values.map((v) => v * 1.001);
    const info = fakeInfo(ds, reconstructed, 'a<b>.npz', 100, 2000, { loss: [1], valLoss: [], learningRate: [1e-3], epochs: 1, seconds: 1, stoppedBecause: 'epochs', backend: 'cpu' });
    const page = renderReportHtml(buildReportData({ title: 'jets & <co>', original: ds, reconstructed, info }));
    assert.ok(page.includes('<title>jets &amp; &lt;co&gt;</title>'));
    assert.ok(!markupOf(page).includes('<img'), 'no markup injected through a column name');
    assert.equal(count(markupOf(page), /<script[\s>]/g), 3);
    assert.ok(page.includes('id="columns"'));
    assert.equal(count(page, /<tr><td>\d+<\/td>/g), 24);
    assert.equal(drawnFigureIds(page).length, buildFigures(buildReportData({ title: 'x', original: ds, reconstructed, info }), 'light').length);
  });
});
