// Whether the native libraries a GPU backend needs are on this machine, found the way the Linux dynamic
// linker looks (LD_LIBRARY_PATH, the folders of /etc/ld.so.conf, the default folders) without loading them:
// so `baler doctor` can say "CUDA 11 runtime missing" instead of TensorFlow's page of dlopen warnings, and
// WebGPU is not even started (Dawn prints a warning) where there is no Vulkan loader.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What @tensorflow/tfjs-node-gpu 4.22 (libtensorflow 2.9.1) loads: the driver, CUDA 11.2 and cuDNN 8.1. */
export const CUDA_LIBRARIES = [
  { file: 'libcuda.so.1', what: 'the NVIDIA driver' },
  { file: 'libcudart.so.11.0', what: 'the CUDA 11 runtime' },
  { file: 'libcublas.so.11', what: 'cuBLAS 11' },
  { file: 'libcudnn.so.8', what: 'cuDNN 8' },
] as const;

export const CUDA_REQUIREMENT = 'an NVIDIA driver, CUDA 11.2 and cuDNN 8.1 (tfjs-node-gpu 4.22 is built against them; CUDA 12 does not do)';

/** Path of a shared library the dynamic linker would find, or undefined. Linux only (undefined elsewhere). */
export function findSharedLibrary(file: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  for (const dir of librarySearchPath()) {
    const candidate = path.join(dir, file);
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The CUDA libraries tfjs-node-gpu needs that cannot be found (empty where all are there, or not Linux). */
export function missingCudaLibraries(): { file: string; what: string }[] {
  if (process.platform !== 'linux') return [];
  return CUDA_LIBRARIES.filter((lib) => !findSharedLibrary(lib.file));
}

/** Dawn's Vulkan backend (Linux) needs the Vulkan loader; without it WebGPU has no adapter. */
export function vulkanLoaderMissing(): boolean {
  return process.platform === 'linux' && !findSharedLibrary('libvulkan.so.1');
}

function librarySearchPath(): string[] {
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  dirs.push(...ldSoConfDirs('/etc/ld.so.conf', 0));
  const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as string];
  for (const prefix of ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/usr/local/lib']) {
    if (multiarch) dirs.push(path.join(prefix, multiarch));
    dirs.push(prefix);
  }
  return [...new Set(dirs)];
}

/** Folders listed in an ld.so.conf file, following its `include` lines (globs of the form dir/*.conf). */
function ldSoConfDirs(file: string, depth: number): string[] {
  if (depth > 4) return [];
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const dirs: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const include = /^include\s+(.+)$/.exec(line);
    if (!include) {
      dirs.push(line);
      continue;
    }
    const pattern = path.resolve(path.dirname(file), include[1].trim());
    const dir = path.dirname(pattern);
    const suffix = path.basename(pattern).replace(/^\*/, '');
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).filter((n) => (path.basename(pattern).includes('*') ? n.endsWith(suffix) : n === path.basename(pattern))).sort();
    } catch {
      // no such folder
    }
    for (const n of names) dirs.push(...ldSoConfDirs(path.join(dir, n), depth + 1));
  }
  return dirs;
}
