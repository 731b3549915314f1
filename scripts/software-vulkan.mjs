// A software Vulkan device (Mesa lavapipe) for the WebGPU tests and benchmarks, without touching the system:
// apt (as root) downloads Mesa from <codename>-backports into a cache, with the backports source in a temporary
// apt configuration, and the packages are unpacked into ~/.cache/baler-lavapipe, not installed. Debian 12's own
// lavapipe (Mesa 22.3) is rejected by Dawn; backports' Mesa 25 works.
//   node scripts/software-vulkan.mjs [--json]     prepare (once) and print the environment to use
//   node scripts/software-vulkan.mjs -- CMD ARGS  run a command with that environment (e.g. npm run bench -- --suite train)
// As a module: softwareVulkanEnv() prepares and returns { VK_ICD_FILENAMES, VK_DRIVER_FILES, LD_LIBRARY_PATH }.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGES = ['mesa-vulkan-drivers', 'libvulkan1'];
const MIN_MESA_MAJOR = 24;
const cacheRoot = process.env.BALER_LAVAPIPE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'baler-lavapipe');
const WHAT_TO_INSTALL =
  'a software Vulkan driver that WebGPU accepts: Mesa lavapipe 24 or later (Debian 12: mesa-vulkan-drivers and libvulkan1 from bookworm-backports)';

class SetupError extends Error {}

function run(cmd, args) {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.error) throw new SetupError(`${cmd} could not be run (${res.error.message}); needed: ${WHAT_TO_INSTALL}`);
  if (res.status !== 0) throw new SetupError(`${cmd} ${args.join(' ')} failed (exit ${res.status}):\n${(res.stderr || res.stdout).trim().split('\n').slice(-8).join('\n')}\nneeded: ${WHAT_TO_INSTALL}`);
  return res.stdout;
}

function osRelease() {
  const text = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')];
  }));
}

/** The mirror and keyring of the system's own Debian entry (deb822 or one-line), so the backports come from the same place. */
function debianSource(codename) {
  const dir = '/etc/apt/sources.list.d';
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sources')).map((f) => join(dir, f)) : [];
  for (const file of files) {
    for (const stanza of readFileSync(file, 'utf8').split(/\n\s*\n/)) {
      const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim();
      const suites = field('Suites')?.split(/\s+/) ?? [];
      if (!suites.includes(codename)) continue;
      return { uri: field('URIs').split(/\s+/)[0], signedBy: field('Signed-By') };
    }
  }
  if (existsSync('/etc/apt/sources.list')) {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s/.exec(line.trim());
      if (m && m[2] === codename) return { uri: m[1] };
    }
  }
  throw new SetupError(`no apt source for ${codename} found in /etc/apt; needed: ${WHAT_TO_INSTALL}`);
}

/** Downloads the packages (and whatever of their dependencies this system lacks) and unpacks them into `prefix`. */
function downloadAndUnpack(prefix) {
  const release = osRelease();
  if (release.ID !== 'debian' || !release.VERSION_CODENAME) throw new SetupError(`not a Debian system (${release.PRETTY_NAME ?? 'unknown'}); needed: ${WHAT_TO_INSTALL}`);
  if (process.getuid?.() !== 0) throw new SetupError(`apt needs root to download Mesa from ${release.VERSION_CODENAME}-backports; run as root once, or install ${WHAT_TO_INSTALL}`);
  const codename = release.VERSION_CODENAME;
  const source = debianSource(codename);
  const work = mkdtempSync(join(tmpdir(), 'baler-lavapipe-apt-'));
  try {
    const parts = join(work, 'sources.list.d');
    mkdirSync(parts);
    mkdirSync(join(work, 'lists', 'partial'), { recursive: true });
    mkdirSync(join(work, 'archives', 'partial'), { recursive: true });
    // The system's own sources plus backports, in a configuration of this run only.
    if (existsSync('/etc/apt/sources.list.d')) {
      for (const f of readdirSync('/etc/apt/sources.list.d').filter((f) => f.endsWith('.sources') || f.endsWith('.list'))) copyFileSync(join('/etc/apt/sources.list.d', f), join(parts, f));
    }
    writeFileSync(join(parts, 'baler-backports.sources'), [
      'Types: deb', `URIs: ${source.uri}`, `Suites: ${codename}-backports`, 'Components: main',
      ...(source.signedBy ? [`Signed-By: ${source.signedBy}`] : []), '',
    ].join('\n'));
    const options = [
      '-o', `Dir::Etc::SourceList=${existsSync('/etc/apt/sources.list') ? '/etc/apt/sources.list' : '/dev/null'}`,
      '-o', `Dir::Etc::SourceParts=${parts}`, '-o', `Dir::State::Lists=${join(work, 'lists')}`,
      '-o', `Dir::Cache::Archives=${join(work, 'archives')}`, '-o', 'Dir::Cache::pkgcache=', '-o', 'Dir::Cache::srcpkgcache=',
      '-o', 'Debug::NoLocking=1',
    ];
    console.error(`[software-vulkan] apt: fetching ${PACKAGES.join(', ')} from ${codename}-backports (download only, nothing is installed)`);
    run('apt-get', [...options, '-q', 'update']);
    run('apt-get', [...options, '-q', '-y', '--download-only', '--no-install-recommends', '-t', `${codename}-backports`, 'install', ...PACKAGES]);
    const debs = readdirSync(join(work, 'archives')).filter((f) => f.endsWith('.deb'));
    if (!debs.some((f) => f.startsWith('mesa-vulkan-drivers_'))) throw new SetupError(`apt downloaded no mesa-vulkan-drivers (is it installed already? then check its version); needed: ${WHAT_TO_INSTALL}`);
    mkdirSync(prefix, { recursive: true });
    for (const deb of debs) run('dpkg-deb', ['-x', join(work, 'archives', deb), prefix]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function libDir(prefix) {
  const multiarch = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch];
  return join(prefix, 'usr', 'lib', multiarch ?? '');
}

/** The system's own lavapipe ICD where a recent enough Mesa is installed (then nothing is downloaded). */
function systemLavapipe() {
  const res = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'mesa-vulkan-drivers'], { encoding: 'utf8' });
  const major = Number(/^(?:\d+:)?(\d+)\./.exec(res.stdout ?? '')?.[1]);
  if (res.status !== 0 || !(major >= MIN_MESA_MAJOR)) return undefined;
  const dir = '/usr/share/vulkan/icd.d';
  const icd = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith('lvp_icd')) : undefined;
  return icd ? join(dir, icd) : undefined;
}

/** Prepares the device once (cached) and returns the environment a process needs to see it. */
export function softwareVulkanEnv() {
  if (process.platform !== 'linux') throw new SetupError(`the software Vulkan set-up is for Linux; needed: ${WHAT_TO_INSTALL}`);
  const system = systemLavapipe();
  if (system) return { VK_ICD_FILENAMES: system, VK_DRIVER_FILES: system };
  const prefix = join(cacheRoot, process.arch);
  const icdSource = join(prefix, 'usr', 'share', 'vulkan', 'icd.d', 'lvp_icd.json');
  if (!existsSync(icdSource)) {
    rmSync(prefix, { recursive: true, force: true });
    downloadAndUnpack(prefix);
  }
  if (!existsSync(icdSource)) throw new SetupError(`${icdSource} missing after unpacking; needed: ${WHAT_TO_INSTALL}`);
  const lib = libDir(prefix);
  const mesa = readdirSync(lib).map((f) => /^libgallium-(\d+)\./.exec(f)?.[1]).find(Boolean);
  if (mesa && Number(mesa) < MIN_MESA_MAJOR) throw new SetupError(`Mesa ${mesa} in ${prefix} is too old for Dawn; needed: ${WHAT_TO_INSTALL}`);
  // The ICD names its library by file name; point it at the unpacked one.
  const icd = JSON.parse(readFileSync(icdSource, 'utf8'));
  icd.ICD.library_path = join(lib, 'libvulkan_lvp.so');
  const icdFile = join(prefix, 'lvp_icd.baler.json');
  writeFileSync(icdFile, JSON.stringify(icd, null, 2));
  const ldPath = [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { VK_ICD_FILENAMES: icdFile, VK_DRIVER_FILES: icdFile, LD_LIBRARY_PATH: ldPath };
}

function main() {
  const dash = process.argv.indexOf('--');
  let env;
  try {
    env = softwareVulkanEnv();
  } catch (err) {
    console.error(`[software-vulkan] ${err.message}`);
    process.exit(1);
  }
  if (dash < 0) {
    if (process.argv.includes('--json')) console.log(JSON.stringify(env));
    else for (const [k, v] of Object.entries(env)) console.log(`export ${k}=${JSON.stringify(v)}`);
    return;
  }
  const [cmd, ...args] = process.argv.slice(dash + 1);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  process.exit(res.status ?? 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
