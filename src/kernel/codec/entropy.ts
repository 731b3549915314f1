// Byte-level codecs of the container: entropy coding (zstd, deflate) and the byte-shuffle filter.
import * as zlib from 'node:zlib';
import { NO_WASM_TRAP_HANDLER } from '../address-limit';
import { BalerError } from '../errors';
import { compress as zstdCompress, decompress as zstdDecompress, init as zstdInit } from '@bokuweb/zstd-wasm';

/** How a section's bytes are stored. 'none' is accepted as another name for 'raw'. */
export type Coding = 'raw' | 'zstd' | 'deflate';
export type CodingName = Coding | 'none';

/** Up to this many bytes, zstd defaults to its strong level 19 (~2–3 MB/s in wasm); beyond, to level 9. */
export const STRONG_ZSTD_MAX_BYTES = 2 * 1024 * 1024;
const LEVEL_RANGE: Record<Coding, [number, number]> = { raw: [0, 0], zstd: [-7, 22], deflate: [0, 9] };

export function normaliseCoding(coding: CodingName | undefined): Coding {
  if (coding === undefined || coding === 'none') return 'raw';
  if (coding === 'raw' || coding === 'zstd' || coding === 'deflate') return coding;
  throw new Error(`unknown coding '${String(coding)}' (expected raw, zstd or deflate)`);
}

let zstdReady: Promise<void> | undefined;

/**
 * Refuses, in one line, a process that may not make WebAssembly memory at all. Under a virtual memory limit (`ulimit -v`, common on
 * clusters) V8 cannot reserve it; zstd's loader then only prints "wasm compile failed" and never settles, and
 * Node, with nothing left to run, exited 0 having written nothing.
 */
function checkWasmMemory(): void {
  const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => unknown } };
  try {
    new wasm.Memory({ initial: 1 });
  } catch (err) {
    throw new BalerError(
      `cannot start zstd's WebAssembly (${(err as Error).message}): a virtual memory limit (ulimit -v) keeps WebAssembly from reserving its memory; run Node with ${NO_WASM_TRAP_HANDLER} (the baler command does so itself under a limit), or limit resident memory instead (Slurm's --mem, a cgroup)`,
      undefined, 'EWASM',
    );
  }
}

/**
 * Loads zstd's WebAssembly once. The package reads `zstd.wasm` beside its own JS file: inside
 * node_modules when run from source, and beside the bundle (dist/, where esbuild.mjs copies it) when bundled.
 */
export function ensureZstd(): Promise<void> {
  if (!zstdReady) checkWasmMemory();
  zstdReady ??= zstdInit().catch((err: unknown) => {
    zstdReady = undefined;
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot load zstd.wasm (it must sit beside the bundled JS file): ${reason}`);
  });
  return zstdReady;
}

/** The level used when none is given: small data (latents, decoders) gets zstd's strongest practical level. */
export function defaultLevel(coding: CodingName, byteLength: number): number {
  const c = normaliseCoding(coding);
  if (c === 'zstd') return byteLength <= STRONG_ZSTD_MAX_BYTES ? 19 : 9;
  return c === 'deflate' ? 9 : 0;
}

function checkedLevel(coding: Coding, level: number | undefined, byteLength: number): number {
  if (level === undefined) return defaultLevel(coding, byteLength);
  const [lo, hi] = LEVEL_RANGE[coding];
  if (!Number.isInteger(level) || level < lo || level > hi) {
    throw new Error(`${coding} level must be an integer from ${lo} to ${hi}, got ${level}`);
  }
  return level;
}

export async function compressBytes(data: Uint8Array, coding: CodingName, level?: number): Promise<Uint8Array> {
  const c = normaliseCoding(coding);
  const lvl = checkedLevel(c, level, data.length);
  switch (c) {
    case 'raw':
      return data;
    case 'deflate':
      return new Uint8Array(zlib.deflateRawSync(data, { level: lvl }));
    case 'zstd':
      await ensureZstd();
      try {
        return zstdCompress(data, lvl);
      } catch (err) {
        // zstd's memory_allocation error (-64): its WebAssembly memory could not grow, not a bug.
        if (/code -64\b/.test((err as Error).message)) throw new BalerError('out of memory: zstd could not grow its memory; nothing was written: a smaller --memory, or fewer --threads, leaves more room', undefined, 'ENOMEM');
        throw err;
      }
  }
}

/**
 * Inverse of compressBytes. Throws (a plain Error) when the data does not decode to exactly
 * `rawLength` bytes; the container turns that into a BalerError naming the file and the chunk.
 */
export async function decompressBytes(data: Uint8Array, coding: CodingName, rawLength: number): Promise<Uint8Array> {
  const c = normaliseCoding(coding);
  let out: Uint8Array;
  switch (c) {
    case 'raw':
      out = data;
      break;
    case 'deflate':
      out = new Uint8Array(zlib.inflateRawSync(data, { maxOutputLength: Math.max(rawLength, 1) }));
      break;
    case 'zstd':
      await ensureZstd();
      try {
        out = zstdDecompress(data, { defaultHeapSize: Math.max(rawLength, 1) });
      } catch (err) {
        // The library says "Failed to compress with code -10" of data it cannot decompress.
        const code = /code (-?\d+)/.exec((err as Error).message)?.[1];
        throw new Error(`zstd data that does not decode${code ? ` (zstd error ${code})` : ''}`);
      }
      break;
  }
  if (out.length !== rawLength) {
    throw new Error(`${c} data decoded to ${out.length} bytes, expected ${rawLength}`);
  }
  return out;
}

/**
 * Byte-plane transposition (the blosc/HDF5 shuffle filter): byte k of every element is gathered
 * into plane k. Smooth numeric data then has long runs in its high-order planes that compress well.
 * Trailing bytes that do not fill a whole element are kept as they are at the end.
 */
export function shuffleBytes(data: Uint8Array, elementSize: number): Uint8Array {
  if (elementSize <= 1 || data.length < elementSize) return data.slice();
  const count = Math.floor(data.length / elementSize);
  const out = new Uint8Array(data.length);
  if (elementSize === 4) shuffleWords(data, out, count);
  else {
    for (let b = 0; b < elementSize; b++) {
      const plane = b * count;
      for (let i = 0, src = b; i < count; i++, src += elementSize) out[plane + i] = data[src];
    }
  }
  out.set(data.subarray(count * elementSize), count * elementSize);
  return out;
}

export function unshuffleBytes(data: Uint8Array, elementSize: number): Uint8Array {
  if (elementSize <= 1 || data.length < elementSize) return data.slice();
  const count = Math.floor(data.length / elementSize);
  const out = new Uint8Array(data.length);
  if (elementSize === 4) unshuffleWords(data, out, count);
  else {
    for (let b = 0; b < elementSize; b++) {
      const plane = b * count;
      for (let i = 0, dst = b; i < count; i++, dst += elementSize) out[dst] = data[plane + i];
    }
  }
  out.set(data.subarray(count * elementSize), count * elementSize);
  return out;
}

// 4-byte elements (float32, the common case) a whole word at a time: about 3× faster than byte by byte.
function shuffleWords(data: Uint8Array, out: Uint8Array, count: number): void {
  const aligned = data.byteOffset % 4 === 0 ? data : data.slice(0, count * 4);
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, count);
  const p1 = count, p2 = 2 * count, p3 = 3 * count;
  for (let i = 0; i < count; i++) {
    const w = words[i];
    out[i] = w;
    out[p1 + i] = w >>> 8;
    out[p2 + i] = w >>> 16;
    out[p3 + i] = w >>> 24;
  }
}

function unshuffleWords(data: Uint8Array, out: Uint8Array, count: number): void {
  const words = new Uint32Array(out.buffer, 0, count);
  const p1 = count, p2 = 2 * count, p3 = 3 * count;
  for (let i = 0; i < count; i++) {
    words[i] = data[i] | (data[p1 + i] << 8) | (data[p2 + i] << 16) | (data[p3 + i] << 24);
  }
}
