// A one-node Slurm cluster for the tests, for real: munged, slurmctld and slurmd from Debian's packages,
// started in a private folder with their own configuration on loopback ports, and stopped by PID.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// @ts-expect-error plain ES module of the scripts folder
import { ensureAptPackages } from '../../scripts/apt.mjs';

export interface SlurmCluster {
  dir: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const res = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.error?.message ?? ''} ${res.stderr}`);
}

function waitFor(what: string, test: () => boolean, seconds: number): void {
  const until = Date.now() + seconds * 1000;
  while (!test()) {
    if (Date.now() > until) throw new Error(`the test cluster's ${what} did not come up within ${seconds} s`);
    spawnSync('sleep', ['0.2']);
  }
}

export function startSlurm(): SlurmCluster {
  ensureAptPackages(['slurm-wlm', 'munge'], 'the Slurm test (a one-node cluster on loopback)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baler-slurm-'));
  fs.mkdirSync(path.join(dir, 'state'));
  fs.mkdirSync(path.join(dir, 'spool'));
  const key = path.join(dir, 'munge.key');
  fs.writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, () => Math.floor(Math.random() * 256))), { mode: 0o400 });
  const host = os.hostname();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(conf, [
    'ClusterName=balertest', `SlurmctldHost=${host}(127.0.0.1)`, 'SlurmUser=root', 'SlurmdUser=root',
    `SlurmctldPort=${port}`, `SlurmdPort=${port + 1}`, 'AuthType=auth/munge', `AuthInfo=socket=${dir}/munge.socket`,
    `StateSaveLocation=${dir}/state`, `SlurmdSpoolDir=${dir}/spool`, `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`, `SlurmctldLogFile=${dir}/slurmctld.log`, `SlurmdLogFile=${dir}/slurmd.log`,
    'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'SwitchType=switch/none', 'MpiDefault=none',
    'ReturnToService=2', 'SchedulerType=sched/builtin', 'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core',
    'JobAcctGatherType=jobacct_gather/none', 'AccountingStorageType=accounting_storage/none',
    `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${os.cpus().length} State=UNKNOWN`,
    `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`, '',
  ].join('\n'));
  const env = { ...process.env, SLURM_CONF: conf };
  /** Stops the daemons by PID and waits until they have exited (they write their state on the way out). */
  const stop = () => {
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      const file = path.join(dir, `${name}.pid`);
      if (!fs.existsSync(file)) continue;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      if (!alive()) continue;
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + 15_000;
      while (alive() && Date.now() < until) spawnSync('sleep', ['0.1']);
      if (alive()) process.kill(pid, 'SIGKILL');
    }
  };
  try {
    run('munged', [`--key-file=${key}`, `--socket=${dir}/munge.socket`, `--pid-file=${dir}/munged.pid`, `--log-file=${dir}/munged.log`, `--seed-file=${dir}/munged.seed`, '-f'], env);
    waitFor('munged', () => fs.existsSync(path.join(dir, 'munged.pid')), 10);
    run('slurmctld', [], env);
    run('slurmd', [], env);
    waitFor('node', () => /idle/.test(spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout ?? ''), 30);
  } catch (err) {
    stop();
    throw err;
  }
  return { dir, env, stop };
}
