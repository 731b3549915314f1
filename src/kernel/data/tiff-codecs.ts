// The compressions and predictors of TIFF strips and tiles that Baler reads (none, LZW, Deflate, PackBits; the
// horizontal and floating-point predictors), each decoding into exactly the bytes the strip or tile must hold.
import { inflateSync } from 'node:zlib';
import { BalerError } from '../errors';

/** Compression codes Baler decodes, by name. */
export const READ_COMPRESSIONS: Record<number, string> = { 1: 'none', 5: 'LZW', 8: 'Deflate', 32946: 'Deflate', 32773: 'PackBits' };

/** Names of compressions it does not, for the message. */
export const OTHER_COMPRESSIONS: Record<number, string> = {
  2: 'CCITT RLE', 3: 'CCITT Group 3', 4: 'CCITT Group 4', 6: 'old-style JPEG', 7: 'JPEG', 34712: 'JPEG 2000', 34887: 'LERC',
  34925: 'LZMA', 50000: 'Zstandard', 50001: 'WebP', 50002: 'JPEG XL', 33003: 'JPEG 2000 (Aperio)', 33005: 'JPEG 2000 (Aperio)',
};

/**
 * The decoded bytes of one strip or tile: `expected` bytes, or a BalerError naming `what` when the data holds fewer
 * (a writer may pad the last strip: more are cut off).
 */
export function decodeChunk(compression: number, data: Uint8Array, expected: number, file: string, what: string): Uint8Array {
  let out: Uint8Array;
  switch (compression) {
    case 1: out = data; break;
    case 5: out = decodeLzw(data, expected, file, what); break;
    case 8: case 32946: out = inflate(data, expected, file, what); break;
    case 32773: out = decodePackBits(data, expected, file, what); break;
    default: throw new BalerError(`${what}: compression ${compression} is not read`, file);
  }
  if (out.length < expected) throw new BalerError(`corrupted TIFF: ${what} decodes to ${out.length} bytes, not ${expected}`, file);
  return out.length === expected ? out : out.subarray(0, expected);
}

function inflate(data: Uint8Array, expected: number, file: string, what: string): Uint8Array {
  // Bounded: a crafted stream cannot inflate far beyond the bytes the strip or tile holds (a writer may pad the last
  // strip to full size, so a few times that is allowed before it is refused). Z_SYNC_FLUSH: a truncated stream
  // yields what it holds, which is then refused as too short.
  for (const limit of [expected + 1, expected * 4 + 65536]) {
    try {
      return inflateSync(data, { maxOutputLength: limit, finishFlush: 2 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') continue;
      throw new BalerError(`corrupted TIFF: ${what} is not a valid Deflate stream (${(err as Error).message})`, file);
    }
  }
  throw new BalerError(`corrupted TIFF: ${what} inflates to far more than the ${expected} bytes it holds`, file);
}

/** TIFF's LZW (MSB-first codes, 9 to 12 bits, the code width growing one code early). */
export function decodeLzw(data: Uint8Array, expected: number, file: string, what: string): Uint8Array {
  if (data.length >= 2 && data[0] === 0 && (data[1] & 1) === 1) {
    throw new BalerError(`${what} uses the old-style (pre-TIFF 6) LZW, which is not read`, file);
  }
  const out = new Uint8Array(expected);
  // The dictionary: each code's last byte, its prefix code and its length.
  const suffix = new Uint8Array(4096);
  const prefix = new Uint16Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) { suffix[i] = i; length[i] = 1; }
  let next = 258;
  let width = 9;
  let bitPos = 0;
  const totalBits = data.length * 8;
  let written = 0;
  let previous = -1;
  while (written < expected && bitPos + width <= totalBits) {
    let code = 0;
    for (let k = 0; k < width; k++, bitPos++) code = (code << 1) | ((data[bitPos >> 3] >> (7 - (bitPos & 7))) & 1);
    if (code === 257) break;
    if (code === 256) {
      next = 258;
      width = 9;
      previous = -1;
      continue;
    }
    if (previous < 0) {
      if (code > 255) throw corruptLzw(file, what);
    } else {
      if (code > next || (code === next && next === 4096)) throw corruptLzw(file, what);
      if (next < 4096) {
        prefix[next] = previous;
        suffix[next] = firstByte(code < next ? code : previous, prefix, suffix);
        length[next] = length[previous] + 1;
        next++;
        if (next + 1 >= 1 << width && width < 12) width++;
      }
    }
    // The code's string, written backwards from its last byte.
    let c = code;
    for (let at = written + length[code] - 1; at >= written; at--) {
      if (at < expected) out[at] = suffix[c];
      c = prefix[c];
    }
    written += length[code];
    previous = code;
  }
  return out.subarray(0, Math.min(written, expected));
}

function firstByte(code: number, prefix: Uint16Array, suffix: Uint8Array): number {
  let c = code;
  while (c >= 258) c = prefix[c];
  return suffix[c];
}

function corruptLzw(file: string, what: string): BalerError {
  return new BalerError(`corrupted TIFF: ${what} is not a valid LZW stream`, file);
}

/** PackBits: a header byte n, then n + 1 literal bytes (n ≥ 0) or one byte repeated 1 − n times (n < 0; −128 is a no-op). */
export function decodePackBits(data: Uint8Array, expected: number, file: string, what: string): Uint8Array {
  const out = new Uint8Array(expected);
  let at = 0;
  let i = 0;
  while (at < expected && i < data.length) {
    const n = (data[i++] << 24) >> 24;
    if (n >= 0) {
      const end = i + n + 1;
      if (end > data.length) throw new BalerError(`corrupted TIFF: ${what} is not a valid PackBits stream`, file);
      out.set(data.subarray(i, Math.min(end, i + expected - at)), at);
      at += Math.min(n + 1, expected - at);
      i = end;
    } else if (n !== -128) {
      if (i >= data.length) throw new BalerError(`corrupted TIFF: ${what} is not a valid PackBits stream`, file);
      const run = Math.min(1 - n, expected - at);
      out.fill(data[i++], at, at + run);
      at += run;
    }
  }
  return out.subarray(0, at);
}

/** Reverses byte order in place, word by word. */
export function swapBytes(bytes: Uint8Array, word: number): void {
  if (word === 1) return;
  for (let i = 0; i + word <= bytes.length; i += word) {
    for (let a = i, b = i + word - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * Undoes the horizontal predictor (2) in place on little-endian samples: each sample of a row is the sum of itself
 * and the one `samples` before (wrapping in the sample's width).
 */
export function undoHorizontalPredictor(bytes: Uint8Array, rowSamples: number, samples: number, sampleBytes: number): void {
  const rows = Math.floor(bytes.length / (rowSamples * sampleBytes));
  const aligned = bytes.byteOffset % sampleBytes === 0 ? bytes : bytes.slice();
  const n = rows * rowSamples;
  const view = sampleBytes === 1 ? aligned.subarray(0, n)
    : sampleBytes === 2 ? new Uint16Array(aligned.buffer, aligned.byteOffset, n)
      : sampleBytes === 4 ? new Uint32Array(aligned.buffer, aligned.byteOffset, n)
        : new BigUint64Array(aligned.buffer, aligned.byteOffset, n);
  for (let r = 0; r < rows; r++) {
    const base = r * rowSamples;
    if (view instanceof BigUint64Array) {
      for (let i = samples; i < rowSamples; i++) view[base + i] = BigInt.asUintN(64, view[base + i] + view[base + i - samples]);
    } else {
      for (let i = samples; i < rowSamples; i++) view[base + i] += view[base + i - samples];
    }
  }
  if (aligned !== bytes) bytes.set(aligned);
}

/**
 * Undoes the floating-point predictor (3) in place: each row holds its samples' bytes as planes, most significant
 * first, differenced byte by byte; the result is little-endian samples (whatever the file's byte order).
 */
export function undoFloatPredictor(bytes: Uint8Array, rowSamples: number, samples: number, sampleBytes: number): void {
  const rowBytes = rowSamples * sampleBytes;
  const rows = Math.floor(bytes.length / rowBytes);
  const tmp = new Uint8Array(rowBytes);
  for (let r = 0; r < rows; r++) {
    const row = bytes.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = samples; i < rowBytes; i++) row[i] = (row[i] + row[i - samples]) & 0xff;
    tmp.set(row);
    for (let s = 0; s < rowSamples; s++) {
      for (let b = 0; b < sampleBytes; b++) row[s * sampleBytes + b] = tmp[(sampleBytes - 1 - b) * rowSamples + s];
    }
  }
}
