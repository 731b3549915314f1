// The memory budget: what one compress or decompress may hold at once, whatever the file's size.
/** Default budget in bytes (`--memory` overrides it). */
export const DEFAULT_MEMORY_BUDGET = 512 * 1024 * 1024;
