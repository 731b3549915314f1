// The memory budget: every size a data file declares is checked against it before anything is allocated, so a
// crafted or corrupted file is refused with a clear error instead of exhausting memory.
import { BalerError } from '../errors';

export { DEFAULT_MEMORY_BUDGET } from '../memory';

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Refuses to allocate `bytes` for `what` when it is not a sane size or exceeds the budget. */
export function checkBudget(bytes: number, budget: number, what: string, file?: string): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new BalerError(`${what}: impossible size (${bytes} bytes)`, file);
  if (bytes > budget) {
    throw new BalerError(`${what} needs ${formatBytes(bytes)}, more than the memory budget of ${formatBytes(budget)}`, file, 'EBUDGET');
  }
}

/** Product of a shape's sizes, refusing shapes whose element count is not a safe integer. */
export function elementCount(shape: number[], file?: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new BalerError(`impossible array shape (${shape.join(', ')})`, file);
    n *= d;
    if (!Number.isSafeInteger(n)) throw new BalerError(`impossible array shape (${shape.join(', ')})`, file);
  }
  return n;
}
