// The compute packages a packaged extension cannot ship (native, per platform): where the kernel process looks
// for them (the setting baler.tfjsNodePath, else the folder "Baler: Install GPU Backend" installs into, in the
// extension's global storage; passed as BALER_TFJS_NODE_PATH) and the command that installs one there with npm,
// saying first what it needs. A changed setting or a new install restarts the kernel process once it is idle:
// a process loads native TensorFlow once.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { USER_PACKAGES_ENV } from '../kernel/model/user-packages';
import type { KernelClient } from './kernelClient';
import { readSettings } from './settings';

export interface ComputePackage {
  id: 'webgpu' | 'tfjs-node-gpu' | 'tfjs-node';
  /** What npm installs. */
  spec: string;
  label: string;
  /** What it needs and does at install time, shown before installing. */
  needs: string;
}

export const COMPUTE_PACKAGES: ComputePackage[] = [
  {
    id: 'webgpu', spec: 'webgpu@^0.6.2', label: 'WebGPU (Dawn): any GPU with a Vulkan, Metal or Direct3D 12 driver',
    needs: 'a GPU driver with Vulkan (Linux), Metal (macOS) or Direct3D 12 (Windows); about 130 MB, nothing else is downloaded',
  },
  {
    id: 'tfjs-node-gpu', spec: '@tensorflow/tfjs-node-gpu@4.22.0', label: 'TensorFlow with CUDA (tfjs-node-gpu): NVIDIA GPUs on Linux',
    needs: 'an NVIDIA driver with CUDA 11.2 and cuDNN 8.1 (tfjs-node-gpu 4.22 is built against them; CUDA 12 will not do); its install script downloads libtensorflow 2.9.1 (several hundred MB)',
  },
  {
    id: 'tfjs-node', spec: '@tensorflow/tfjs-node@4.22.0', label: 'TensorFlow on the CPU (tfjs-node)',
    needs: 'Linux, macOS or Windows on x64; its install script downloads libtensorflow 2.9.1',
  },
];

export interface InstallArgs {
  /** Which package; asked with a quick pick when absent. */
  package?: ComputePackage['id'];
  /** Another npm spec for it (a version, a tarball or a folder): used by the tests with a stand-in. */
  spec?: string;
  /** Skip the confirmation. */
  confirmed?: boolean;
}

export interface InstallResult {
  dir: string;
  package: string;
}

export class ComputePackages {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly kernel: () => KernelClient,
    private readonly output: vscode.OutputChannel,
  ) {}

  /** The folder the install command uses. */
  get installDir(): string {
    return path.join(this.context.globalStorageUri.fsPath, 'compute-packages');
  }

  /** The folder the kernel process looks in: the setting, else the install folder once something is installed there. */
  packagesDir(): string | undefined {
    const configured = readSettings().tfjsNodePath;
    if (configured) return configured;
    return fs.existsSync(path.join(this.installDir, 'node_modules')) ? this.installDir : undefined;
  }

  /** The kernel process's extra environment. */
  kernelEnv(): NodeJS.ProcessEnv {
    const dir = this.packagesDir();
    return dir ? { [USER_PACKAGES_ENV]: dir } : {};
  }

  register(guard: (id: string, fn: (...args: any[]) => unknown) => vscode.Disposable): vscode.Disposable[] {
    return [
      guard('baler.installGpuBackend', (args?: InstallArgs) => this.install(args ?? {})),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('baler.tfjsNodePath')) this.kernel().restartWhenIdle();
      }),
    ];
  }

  async install(args: InstallArgs): Promise<InstallResult | undefined> {
    const choice = args.package ? COMPUTE_PACKAGES.find((p) => p.id === args.package) : await this.pick();
    if (!choice) {
      if (args.package) throw new Error(`unknown compute package '${args.package}' (one of ${COMPUTE_PACKAGES.map((p) => p.id).join(', ')})`);
      return undefined;
    }
    if (!args.confirmed) {
      const go = await vscode.window.showInformationMessage(
        `Install ${choice.spec} with npm into Baler's storage? It needs ${choice.needs}.`, { modal: true }, 'Install');
      if (go !== 'Install') return undefined;
    }
    const dir = this.installDir;
    fs.mkdirSync(dir, { recursive: true });
    const manifest = path.join(dir, 'package.json');
    if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, JSON.stringify({ name: 'baler-compute-packages', private: true }, null, 2) + '\n');
    const spec = args.spec ?? choice.spec;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Baler: installing ${spec}` }, () => this.npmInstall(dir, spec, choice));
    this.kernel().restartWhenIdle();
    const where = readSettings().tfjsNodePath ? ` (the setting baler.tfjsNodePath points elsewhere: ${readSettings().tfjsNodePath}; clear it to use this one)` : '';
    void vscode.window.showInformationMessage(`Baler: installed ${spec} in ${dir}${where}. "Baler: Select Compute Backend" shows whether it works here.`);
    return { dir, package: spec };
  }

  private async pick(): Promise<ComputePackage | undefined> {
    const picked = await vscode.window.showQuickPick(COMPUTE_PACKAGES.map((p) => ({ label: p.label, detail: `needs ${p.needs}`, p })), {
      title: 'Baler: install a compute backend', placeHolder: 'Installed with npm into the extension\'s storage; the kernel process loads it from there',
    });
    return picked?.p;
  }

  /** Runs npm; rejects with one line naming the package and the cause, the whole log in the output channel. */
  private npmInstall(dir: string, spec: string, choice: ComputePackage): Promise<void> {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const args = ['install', '--no-audit', '--no-fund', '--install-links', '--foreground-scripts', spec];
    this.output.appendLine(`$ ${npm} ${args.join(' ')}   (in ${dir})`);
    return new Promise((resolve, reject) => {
      const lines: string[] = [];
      const child = spawn(npm, args, { cwd: dir, shell: process.platform === 'win32', env: { ...process.env, npm_config_yes: 'true' } });
      const collect = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (!line.trim()) continue;
          lines.push(line);
          this.output.appendLine(`  ${line}`);
        }
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', (err) => reject(new Error(`installing ${spec} failed: npm could not be run (${err.message}); install Node.js (it brings npm), or install ${choice.spec} yourself and set baler.tfjsNodePath to that folder`)));
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new Error(`installing ${spec} failed: ${npmFailure(lines) ?? `npm exited with code ${code}`} (the whole log: Output › Baler)`));
      });
    });
  }
}

/** The line of an npm log that says why it failed: a network or install-script error first, else npm's first error. */
export function npmFailure(lines: string[]): string | undefined {
  const clean = (l: string) => l.replace(/^npm (error|ERR!)\s*/, '').trim();
  const cause = lines.find((l) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|E404|EACCES|ENOSPC|CUDA|libtensorflow/i.test(l) && clean(l));
  if (cause) return clean(cause);
  const firstError = lines.find((l) => /^npm (error|ERR!)/.test(l) && clean(l) && !/^(code|path|command|cwd|A complete log)/.test(clean(l)));
  return firstError ? clean(firstError) : undefined;
}
