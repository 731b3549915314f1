// A virtual memory limit (`ulimit -v`; Grid Engine's h_vmem sets one on clusters) caps address space reserved,
// not memory used. V8 reserves far more than it uses: WebAssembly's trap handler takes a guard region of about
// 10 GB for each memory (zstd runs as WebAssembly), and each worker thread's isolate a code range. Under such a
// limit the CLI runs without the trap handler (bounds checked in code) and its workers take a smaller code range.
import * as fs from 'node:fs';

/** Node's switch that keeps WebAssembly from reserving guard regions (bounds checked in code instead). */
export const NO_WASM_TRAP_HANDLER = '--disable-wasm-trap-handler';

/** A worker's code range under a limit, in MiB: what its JIT needs, against V8's default of hundreds. */
export const LIMITED_CODE_RANGE_MB = 64;

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

/** Address space each worker thread adds, with room to spare (measured near 300 MiB with the smaller code range). */
const ADDRESS_SPACE_PER_WORKER = 384 * 2 ** 20;

/** The most threads a limit leaves room for (1: no workers at all), or Infinity without one. */
export function threadsWithinAddressLimit(): number {
  const limit = addressSpaceLimit();
  if (limit === undefined) return Infinity;
  return Math.max(1, Math.floor((limit - 2 ** 30) / ADDRESS_SPACE_PER_WORKER));
}
