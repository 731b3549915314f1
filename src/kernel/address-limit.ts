// A virtual memory limit (`ulimit -v`; Grid Engine's h_vmem sets one on clusters) caps address space reserved,
// not memory used. V8 reserves far more than it uses: WebAssembly's trap handler takes a guard region of about
// 10 GB for each memory (zstd runs as WebAssembly), and each worker thread's isolate a code range. Under such a
// limit the CLI runs without the trap handler (bounds checked in code), on one thread.
import * as fs from 'node:fs';

/** Node's switch that keeps WebAssembly from reserving guard regions (bounds checked in code instead). */
export const NO_WASM_TRAP_HANDLER = '--disable-wasm-trap-handler';

let cached: number | undefined | null = null;

/** The soft limit on this process's address space in bytes (Linux), or undefined when there is none. */
export function addressSpaceLimit(): number | undefined {
  if (cached !== null) return cached;
  cached = undefined;
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max address space'));
    const soft = line?.slice('Max address space'.length).trim().split(/\s+/)[0];
    if (soft !== undefined && /^\d+$/.test(soft)) cached = Number(soft);
  } catch {
    // Not Linux (no /proc): no limit this can see, and none assumed.
  }
  return cached;
}

/** Address space Node needs to run the coder on one thread, measured (a 100 MB field, the default --memory). */
export const LEAST_ADDRESS_SPACE = 1.3e9;

/**
 * The most threads a limit leaves room for: one (no workers) under any, Infinity without. Workers under a limit
 * were measured to fail in ways no process can catch: libuv aborting when its thread pool cannot start, and
 * zstd's loader never settling when its WebAssembly memory cannot be made (a hang), at limits up to 3 GB.
 */
export function threadsWithinAddressLimit(): number {
  return addressSpaceLimit() === undefined ? Infinity : 1;
}
