// Little-endian binary writing and bounds-checked reading for the container's index and typed header:
// fixed-width integers and floats, unsigned LEB128 varints (up to 2^53), length-prefixed UTF-8 strings.
// A reader never reads past its end and never allocates more than the bytes it holds: damaged or crafted
// input becomes a BalerError ('corrupted: …'), never a RangeError or an oversized allocation.
import { BalerError } from '../errors';

export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }
  f32(v: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, v, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  /** Unsigned LEB128 of a safe non-negative integer. */
  varuint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`varuint: ${v} is not a safe non-negative integer`);
    while (v >= 0x80) {
      this.u8((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.u8(v);
  }
  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }
  str(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.varuint(bytes.length);
    this.bytes(bytes);
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class ByteReader {
  offset = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly file?: string, private readonly what = 'header') {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  fail(detail: string): never {
    throw new BalerError(`corrupted: ${this.what}: ${detail}`, this.file, 'ECORRUPT');
  }

  private need(n: number, field: string): void {
    if (n > this.remaining) this.fail(`${field} reaches past its end`);
  }
  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.offset++);
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }
  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }
  f32(field: string): number {
    this.need(4, field);
    const v = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return v;
  }
  f64(field: string): number {
    this.need(8, field);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }
  varuint(field: string, max = Number.MAX_SAFE_INTEGER): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(field);
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(value) || value > max) this.fail(`${field} ${value} is out of range (at most ${max})`);
        return value;
      }
      scale *= 0x80;
    }
    return this.fail(`${field} is not a valid varint`);
  }
  bool(field: string): boolean {
    const v = this.u8(field);
    if (v > 1) this.fail(`${field} is ${v}, not 0 or 1`);
    return v === 1;
  }
  /** A u8 that must index into `values`. */
  choice<T>(field: string, values: readonly T[]): T {
    const v = this.u8(field);
    if (v >= values.length) this.fail(`unknown ${field} ${v}`);
    return values[v];
  }
  str(field: string, maxBytes = 1 << 20): string {
    const n = this.varuint(`${field} length`, maxBytes);
    const raw = this.take(n, field);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return this.fail(`${field} is not valid UTF-8`);
    }
  }
  take(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  /** A count of items that each take at least `minBytes` bytes: refused when the bytes left cannot hold them. */
  count(field: string, minBytes: number, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.varuint(field, max);
    if (n * minBytes > this.remaining) this.fail(`${field} ${n} is more than the bytes left can hold`);
    return n;
  }
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} unexpected bytes at its end`);
  }
}
