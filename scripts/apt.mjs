// Debian packages that tests and benchmarks need (a Slurm cluster, cross-check tools): installed with apt-get
// when running as root, otherwise a clear error saying what to install. Never silently skipped.
import { spawnSync } from 'node:child_process';

function installed(pkg) {
  const res = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return res.status === 0 && res.stdout.includes('install ok installed');
}

/** Installs the missing packages (as root) or throws an Error naming them and why they are needed. */
export function ensureAptPackages(packages, why) {
  const missing = packages.filter((p) => !installed(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${why} needs the Debian packages ${missing.join(' ')}: run sudo apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const res = spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: 15 * 60_000 });
    if (res.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (for ${why}): ${(res.stderr || res.stdout).trim().split('\n').slice(-5).join(' | ')}`);
  }
}
