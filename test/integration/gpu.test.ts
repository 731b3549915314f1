// The extension's kernel process uses compute packages the user installed outside the .vsix (which has no
// node_modules): a stand-in @tensorflow/tfjs-node that registers a 'tensorflow' backend through its own copy of
// the real tfjs-core, found through the setting baler.tfjsNodePath or installed by "Baler: Install GPU Backend"
// with the real npm, becomes the backend in use there and trains; a failed install is one clear line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoTfjsCore, STAND_IN_VERSION, writeStandIn } from '../fixtures/tfjs-node-stand-in';
import { activateExtension, EXTENSION_ID, workspaceDir, writeCsv } from './helpers';
import type { BalerExtensionApi } from '../../src/extension/extension';
import type { InstallResult } from '../../src/extension/computePackages';

async function waitFor(what: string, pred: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Changes a setting and waits until the idle kernel process was stopped for it. */
async function setPackagesPath(api: BalerExtensionApi, value: string | undefined): Promise<void> {
  const config = vscode.workspace.getConfiguration('baler');
  if ((config.get<string>('tfjsNodePath') || undefined) === value) return;
  await api.kernel().call('sleep', { ms: 1 });
  const pid = api.kernel().pid;
  await config.update('tfjsNodePath', value, vscode.ConfigurationTarget.Global);
  await waitFor('the kernel process to restart', () => api.kernel().pid !== pid);
}

/** Trains a few epochs in the kernel process; returns the backend its training reported. */
async function trainedOn(api: BalerExtensionApi, name: string): Promise<string | undefined> {
  const csv = writeCsv(path.join(workspaceDir(), `${name}.csv`), 300, 5);
  const logs: string[] = [];
  await api.kernel().call('compress', { input: csv, options: { epochs: 3, latent: 2, backend: 'auto', force: true } }, { onLog: (l) => logs.push(l) });
  return /^backend: (\S+)/m.exec(logs.join('\n'))?.[1];
}

describe('GPU backends the user installed, in the kernel process', function () {
  this.timeout(300_000);
  let api: BalerExtensionApi;
  const repo = () => vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    // Leave no stand-in behind for the tests that follow: the kernel process goes back to wasm.
    await vscode.workspace.getConfiguration('baler').update('tfjsNodePath', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(api.computePackages.installDir, { recursive: true, force: true });
    api.kernel().restartWhenIdle();
  });

  it('baler.tfjsNodePath: the stand-in there is the backend in use (status as `baler doctor`) and training runs on it', async () => {
    const before = await api.kernel().call('backends', { preference: 'auto' });
    assert.equal(before.active, 'wasm');
    const dir = path.join(workspaceDir(), 'user-tfjs-node');
    writeStandIn(dir, 'tfjs-node', repoTfjsCore(repo()));
    await setPackagesPath(api, dir);
    const status = await api.kernel().call('backends', { preference: 'auto' });
    assert.equal(status.active, 'tensorflow');
    const row = status.backends.find((b) => b.name === 'tfjs-node')!;
    assert.equal(row.active, true);
    assert.equal(row.installed, true);
    assert.ok(row.note?.includes(`@tensorflow/tfjs-node ${STAND_IN_VERSION} from BALER_TFJS_NODE_PATH=${dir}`), row.note);
    assert.equal(status.backends.find((b) => b.name === 'wasm')?.usable, undefined, 'wasm not tried: tfjs-node comes first');
    assert.equal(await trainedOn(api, 'by-setting'), 'tensorflow');
  });

  it('"Baler: Install GPU Backend" installs with npm into global storage; the kernel process then uses it', async () => {
    await setPackagesPath(api, undefined);
    assert.equal((await api.kernel().call('backends', { preference: 'auto' })).active, 'wasm', 'the setting is cleared');
    const source = path.join(workspaceDir(), 'stand-in-source');
    const packageDir = writeStandIn(source, 'tfjs-node', repoTfjsCore(repo()));
    const pid = api.kernel().pid;
    const result = await vscode.commands.executeCommand<InstallResult>('baler.installGpuBackend', { package: 'tfjs-node', spec: packageDir, confirmed: true });
    assert.equal(result?.dir, api.computePackages.installDir);
    const installed = path.join(result!.dir, 'node_modules', '@tensorflow', 'tfjs-node', 'package.json');
    assert.equal(JSON.parse(fs.readFileSync(installed, 'utf8')).version, STAND_IN_VERSION);
    assert.ok(!fs.lstatSync(path.dirname(installed)).isSymbolicLink(), 'a copy, not a link to the source');
    await waitFor('the kernel process to restart', () => api.kernel().pid !== pid);
    const status = await api.kernel().call('backends', { preference: 'auto' });
    assert.equal(status.active, 'tensorflow');
    assert.ok(status.backends.find((b) => b.name === 'tfjs-node')!.note?.includes(`BALER_TFJS_NODE_PATH=${result!.dir}`));
    assert.equal(await trainedOn(api, 'by-install'), 'tensorflow');
  });

  it('a failed install is one line naming the package and the cause, and changes nothing', async () => {
    const broken = path.join(workspaceDir(), 'broken-tfjs-node');
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'package.json'), JSON.stringify({
      name: '@tensorflow/tfjs-node-gpu', version: '4.22.0-broken',
      scripts: { install: 'node -e "console.error(\'Error: getaddrinfo ENOTFOUND libtensorflow.example.invalid\'); process.exit(1)"' },
    }));
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('baler.installGpuBackend', { package: 'tfjs-node-gpu', spec: broken, confirmed: true })),
      (err: Error) => {
        assert.match(err.message, /^installing .*broken-tfjs-node failed: .*ENOTFOUND libtensorflow\.example\.invalid/);
        assert.equal(err.message.includes('\n'), false, err.message);
        return true;
      });
    assert.ok(!fs.existsSync(path.join(api.computePackages.installDir, 'node_modules', '@tensorflow', 'tfjs-node-gpu')));
  });
});
