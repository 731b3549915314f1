// Under a virtual memory limit the CLI runs itself again, once, without WebAssembly's trap handler (see
// kernel/address-limit.ts) and with glibc's malloc kept to two arenas, and stands by: the child's output is this
// command's, and so is its exit status. Each thread that allocates may otherwise reserve an arena of 64 MiB of
// address space of its own (V8's helper threads, libuv's pool): under a 2 GiB limit, 3 compresses in 30 of a small
// file died with "Committing semi space failed" (0 in 30 with MALLOC_ARENA_MAX=2).
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import { addressSpaceLimit, LEAST_ADDRESS_SPACE, NO_WASM_TRAP_HANDLER } from '../kernel/address-limit';
import { formatBytes } from '../kernel/report/format';

/** True when a child now runs the command (this process only waits for it and passes signals on). */
export function restartUnderAddressLimit(): boolean {
  const limit = addressSpaceLimit();
  if (limit === undefined || process.execArgv.includes(NO_WASM_TRAP_HANDLER)) return false;
  if (limit < LEAST_ADDRESS_SPACE) {
    process.stderr.write(`baler: note: a virtual memory limit of ${formatBytes(limit)} (ulimit -v) is below the ${formatBytes(LEAST_ADDRESS_SPACE)} ` +
      'of address space Node needs to run the coder: if Node stops with "Fatal process OOM", raise it\n');
  }
  const child = spawn(process.execPath, [...process.execArgv, NO_WASM_TRAP_HANDLER, ...process.argv.slice(1)], { stdio: 'inherit', env: childEnvironment(process.env) });
  // A signal sent to this process alone (Kubernetes stops a container's first process) is passed on; the child
  // takes a second copy of one that reached both (a terminal's Ctrl-C) as the same signal.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`baler: cannot start Node again without WebAssembly's trap handler, as a virtual memory limit (ulimit -v) needs: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  return true;
}

/** The child's environment: this one's, with two malloc arenas unless the user chose how many. */
export function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2' };
}
