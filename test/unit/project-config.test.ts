// Project configs (workspaces/WS/P/config/P_config.json): their paths, defaults and validation.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BalerError } from '../../src/kernel/errors';
import { defaultProjectConfig, projectPaths, readProjectConfig, resolveInputPath } from '../../src/kernel/project/config';

describe('project config', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-project-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const paths = projectPaths('ws', 'p1', root);
  const write = (config: unknown) => {
    fs.mkdirSync(path.dirname(paths.config), { recursive: true });
    fs.writeFileSync(paths.config, JSON.stringify(config));
  };

  it('lays a project out as the reference tool does', () => {
    assert.equal(paths.config, path.join(root, 'workspaces', 'ws', 'p1', 'config', 'p1_config.json'));
    assert.ok(paths.compressed.startsWith(path.join(root, 'workspaces', 'ws', 'p1', 'output')));
  });

  it('reads a config over the defaults and resolves its input beside the project', () => {
    write({ ...defaultProjectConfig('p1'), epochs: 7, latent: 3 });
    const config = readProjectConfig(paths.config);
    assert.equal(config.epochs, 7);
    assert.equal(config.latent, 3);
    assert.equal(config.batchSize, defaultProjectConfig('p1').batchSize);
    assert.ok(path.isAbsolute(resolveInputPath(paths, config)));
  });

  it('refuses unknown keys, wrong enums, non-positive numbers and bad JSON with a line naming the file', () => {
    for (const [config, message] of [[{ epocs: 3 }, /unknown setting 'epocs'/], [{ modelType: 'transformer' }, /'modelType' must be one of/], [{ epochs: 0 }, /'epochs' must be a positive number/]] as const) {
      write({ ...defaultProjectConfig('p1'), ...config });
      assert.throws(() => readProjectConfig(paths.config), (e: unknown) => e instanceof BalerError && e.file === paths.config && message.test(e.message));
    }
    fs.writeFileSync(paths.config, '{ not json');
    assert.throws(() => readProjectConfig(paths.config), (e: unknown) => e instanceof BalerError && /not valid JSON/.test(e.message));
    assert.throws(() => readProjectConfig(path.join(root, 'missing.json')), (e: unknown) => e instanceof BalerError && /baler new/.test(e.message));
  });
});
