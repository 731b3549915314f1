// The facts that must be stated once: the option table (CLI and %baler lines), the error-bound grammar (and
// the patterns of the setting and the config schema that mirror it), the backend list, the data extensions.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import seedrandom from 'seedrandom';
import { cliInProcess } from '../fixtures/cli-in-process';
import { BACKEND_NAMES } from '../../src/kernel/backends';
import { SUPPORTED_EXTENSIONS, SUPPORTED_FILE_EXTENSIONS } from '../../src/kernel/data/extensions';
import { DEFAULT_ERROR_BOUND, parseErrorBound } from '../../src/kernel/eb/bound';
import { ERROR_BOUND_PATTERN, ERROR_BOUND_SETTING_PATTERN } from '../../src/kernel/options/error-bound-pattern';
import { COMMAND_OPTIONS, OPTIONS } from '../../src/kernel/options/table';
import { readProjectConfig } from '../../src/kernel/project/config';
import { DATA_EXTENSIONS } from '../../src/extension/fileTypes';

const repo = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const schema = JSON.parse(fs.readFileSync(path.join(repo, 'schemas', 'baler-project.schema.json'), 'utf8'));

const cli = cliInProcess;

function parses(text: string): boolean {
  try {
    parseErrorBound(text);
    return true;
  } catch {
    return false;
  }
}

describe('the option table', () => {
  for (const [args, option] of [
    [['compress', 'x.csv', '--epochs', '-5'], '--epochs'],
    [['compress', 'x.csv', '--latent', '0'], '--latent'],
    [['compress', 'x.csv', '--batch-size', '0'], '--batch-size'],
    [['train', 'x.csv', '--lr', 'fast'], '--lr'],
    [['compress', 'x.csv', '--error-bound', 'rel:banana'], '--error-bound'],
    [['compress', 'x.csv', '--backend', 'gpu'], '--backend'],
  ] as const) {
    it(`baler ${args.join(' ')}: one line naming ${option}, exit 1, nothing written`, async () => {
      const r = await cli([...args]);
      assert.equal(r.code, 1);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^baler: /);
      assert.ok(lines[0].includes(option), lines[0]);
      assert.equal(r.stdout, '');
    });
  }

  it('every command option has help, and choices come from the one list (backends)', () => {
    for (const [name, spec] of Object.entries(OPTIONS)) assert.ok(spec.help.length > 5, name);
    assert.deepEqual((OPTIONS.backend as { choices: readonly string[] }).choices, BACKEND_NAMES);
    for (const names of Object.values(COMMAND_OPTIONS)) for (const n of names) assert.ok(n in OPTIONS, n);
  });
});

describe('the error-bound grammar and its patterns', () => {
  const pattern = new RegExp(ERROR_BOUND_PATTERN);

  it('the setting and the config schema carry exactly the pattern derived from the grammar', () => {
    assert.equal(manifest.contributes.configuration.properties['baler.errorBound'].pattern, ERROR_BOUND_SETTING_PATTERN);
    assert.equal(schema.properties.errorBound.pattern, ERROR_BOUND_PATTERN);
  });

  it('accepts what the documentation shows and rejects what parseErrorBound rejects', () => {
    for (const good of ['abs:1e-3', 'rel:1e-3', 'pw-rel:1e-2', 'abs:0', 'rel: 0.001', ' abs:5 ', 'abs:1E-3', 'pw-rel:0.5', 'pw-rel:.25', 'abs:+2.5e+3']) {
      assert.ok(parses(good), `parseErrorBound('${good}')`);
      assert.ok(pattern.test(good), `pattern accepts '${good}'`);
    }
    for (const bad of ['', 'abs', 'abs:', 'abs:-1', 'rel:x', 'ABS:1', 'pw-rel:1', 'pw-rel:2', 'abs:1 2', 'lin:1', 'abs:1e', 'rel:.']) {
      assert.equal(pattern.test(bad), false, `pattern rejects '${bad}'`);
      assert.equal(parses(bad), false, `parseErrorBound rejects '${bad}'`);
    }
    assert.ok(new RegExp(ERROR_BOUND_SETTING_PATTERN).test(''), 'the setting may be empty');
  });

  it('on random texts, whatever the pattern accepts the grammar accepts (except overflow and pw-rel N e-K ≥ 1)', () => {
    const random = seedrandom.alea('bounds');
    const pieces = ['abs', 'rel', 'pw-rel', ':', ' ', '0', '1', '5', '9', '.', 'e', 'E', '-', '+', '99', '0.', 'e-', 'x', '0x1'];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + Math.floor(random() * 7);
      let text = ['abs:', 'rel:', 'pw-rel:'][Math.floor(random() * 3)];
      for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
      if (!pattern.test(text)) continue;
      accepted++;
      if (parses(text)) continue;
      const value = Number(text.split(':')[1]);
      const known = !Number.isFinite(value) || (text.trim().startsWith('pw-rel') && value >= 1);
      assert.ok(known, `the pattern accepts '${text}' but parseErrorBound does not`);
    }
    assert.ok(accepted > 500, `${accepted} accepted samples`);
  });
});

describe('lists stated once', () => {
  it('the backends of the setting, the config schema and the project config are BACKEND_NAMES', () => {
    assert.deepEqual(manifest.contributes.configuration.properties['baler.backend'].enum, BACKEND_NAMES);
    assert.equal(manifest.contributes.configuration.properties['baler.backend'].enumDescriptions.length, BACKEND_NAMES.length);
    assert.deepEqual(schema.properties.backend.enum, BACKEND_NAMES);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-config-'));
    try {
      for (const backend of [...BACKEND_NAMES, 'gpu']) {
        const file = path.join(dir, 'p_config.json');
        fs.writeFileSync(file, JSON.stringify({ inputPath: 'x.npz', backend }));
        if (backend === 'gpu') assert.throws(() => readProjectConfig(file), /backend/);
        else assert.equal(readProjectConfig(file).backend, backend);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the default error bound: what the setting, both READMEs and the CLI\'s help say when none is chosen', async () => {
    const fraction = DEFAULT_ERROR_BOUND.slice(DEFAULT_ERROR_BOUND.indexOf(':') + 1);
    const setting: string = manifest.contributes.configuration.properties['baler.errorBound'].markdownDescription;
    assert.match(setting, new RegExp(`empty: \`${DEFAULT_ERROR_BOUND}\``));
    assert.match(manifest.contributes.configuration.properties['baler.askForTarget'].description, new RegExp(`else ${DEFAULT_ERROR_BOUND}, the command line's default`));
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const userReadme = fs.readFileSync(path.join(repo, 'docs', 'vscode', 'README.md'), 'utf8');
    assert.ok(readme.includes(`the recommended first (error bound \`${DEFAULT_ERROR_BOUND}\`, the command line's default`), 'README: Compress File');
    assert.ok(readme.includes(`without options every value within \`${DEFAULT_ERROR_BOUND}\``), 'README: notebooks');
    assert.ok(readme.includes(`every value within ${fraction} × its range`), 'README: the CLI');
    assert.ok(userReadme.includes(`**Error bound \`${DEFAULT_ERROR_BOUND}\`** (recommended; the command line's default`), 'user README: Compress File');
    assert.ok(userReadme.includes(`without options every value within \`${DEFAULT_ERROR_BOUND}\``), 'user README: notebooks');
    assert.ok((await cli(['compress', '--help'])).stdout.replace(/\s+/g, ' ').includes(`by default every value within ${DEFAULT_ERROR_BOUND}`), 'compress --help');
  });

  it('Compress File, Compress Files with One Shared Model and the explorer menu offer exactly the data formats the engine reads', () => {
    assert.deepEqual(DATA_EXTENSIONS, [...SUPPORTED_EXTENSIONS]);
    for (const command of ['baler.compressFile', 'baler.compressFilesWithSharedModel']) {
      const whens: string[] = manifest.contributes.menus['explorer/context'].filter((m: { command: string }) => m.command === command).map((m: { when: string }) => m.when);
      assert.equal(whens.length, 1, command);
      const regex = /resourceExtname =~ \/\^\\\.\(([^)]+)\)\$\/i/.exec(whens[0]);
      assert.ok(regex, whens[0]);
      // Two-part extensions (.nii.gz: VS Code's resourceExtname is .gz) by the file name.
      const twoPart = /resourceFilename =~ \/\\\.\(([^)]+)\)\$\/i/.exec(whens[0]);
      const listed = [...regex[1].split('|'), ...(twoPart ? twoPart[1].replace(/\\\./g, '.').split('|') : [])].map((e) => `.${e}`);
      assert.deepEqual(listed.sort(), [...SUPPORTED_FILE_EXTENSIONS].sort(), command);
    }
  });
});
