// `baler info` on a file whose header carries control characters (column names, the source file's name):
// nothing that would drive a terminal (ESC sequences, C1 controls, bidi overrides) reaches it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliInProcess } from '../fixtures/cli-in-process';
import { compress } from '../../src/kernel/pipeline';
import { infoSections, sectionsHtml } from '../../src/kernel/report/info-rows';
import { isSafeText, sanitizeText } from '../../src/kernel/report/text';

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const cli = cliInProcess;

describe('strings from a file never reach a terminal raw', () => {
  let dir: string;
  let balerFile: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-sanitize-'));
    const hostile = ['\u001b[2J\u001b[31mred', 'bell\u0007', 'c1\u009bX', 'rtl\u202eedoc', 'tab\there'];
    const rows = [hostile.map((n) => `"${n}"`).join(',')];
    for (let r = 0; r < 40; r++) rows.push(hostile.map((_, c) => (Math.sin(r * (c + 1)) * 10).toFixed(4)).join(','));
    const input = path.join(dir, 'evil\u001b]0;title\u0007.csv');
    fs.writeFileSync(input, rows.join('\n') + '\n');
    balerFile = path.join(dir, 'evil.baler');
    const result = await compress(input, { errorBound: 'abs:0.05', output: balerFile });
    assert.ok(result.info.names.some((n) => n.includes('\u001b')), 'the header really carries the control characters');
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('baler info prints the names with visible escapes', async () => {
    const r = await cli(['info', balerFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, CONTROL);
    assert.match(r.stdout, /\\x1b\[2J\\x1b\[31mred/);
    assert.match(r.stdout, /rtl\\u202eedoc/);
  });

  it('baler info --json escapes them too, and stays valid JSON with the original names', async () => {
    const r = await cli(['info', balerFile, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, CONTROL);
    assert.ok(JSON.parse(r.stdout).names.includes('rtl\u202eedoc'));
  });

  it('the rows every view shows, and their HTML, hold no control characters', async () => {
    const info = (await import('../../src/kernel/pipeline')).inspect;
    const sections = infoSections(await info(balerFile), { fullPath: true });
    for (const s of sections) for (const row of s.rows) assert.ok(isSafeText(row.value), `${row.key}: ${JSON.stringify(row.value)}`);
    assert.doesNotMatch(sectionsHtml(sections), CONTROL);
    assert.equal(sanitizeText('a\u0000b'), 'a\\x00b');
    assert.equal(sanitizeText('x'.repeat(500)).length, 200);
  });
});
