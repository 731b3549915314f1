// One error-bounded slab as the bytes of a `data` chunk (after its TAG_EB byte), and back. Interim bridge to
// the whole-array coder in eb/codec.ts: it supports one slab per array; eb/index.ts (encodeSlab/decodeSlab,
// self-describing slabs, bounds kept in the output dtype) replaces it.
import { BalerError } from '../errors';
import type { DType } from '../types';
import type { ErrorBound } from '../eb/bound';
import { decodeErrorBounded, encodeErrorBounded, EXACT_SECTION, STREAM_SECTION } from '../eb/codec';
import { castFloat64 } from '../data/dtype';
import { ByteReader, ByteWriter } from '../codec/bytes';

export interface EbGlobals {
  bound: ErrorBound;
  tolerances: number[];
  dtype: DType;
  kind: 'table' | 'frames';
}

export interface EbSlabOptions {
  prediction?: Float64Array;
  predictors?: string[];
  effort?: 'fast' | 'best';
}

export async function encodeEbSlab(values: Float64Array, shape: number[], g: EbGlobals, opts: EbSlabOptions = {}): Promise<{ bytes: Uint8Array; reconstruction: Float64Array }> {
  const encoded = await encodeErrorBounded(values, shape, g.bound, { kind: g.kind, prediction: opts.prediction, predictors: opts.predictors, effort: opts.effort });
  const w = new ByteWriter();
  w.str(JSON.stringify(encoded.header));
  const stream = encoded.sections.find((s) => s.name === STREAM_SECTION)!.data;
  const exact = encoded.sections.find((s) => s.name === EXACT_SECTION)!.data;
  w.varuint(stream.length);
  w.bytes(stream);
  w.bytes(exact);
  return { bytes: w.finish(), reconstruction: castFloat64(encoded.reconstruction, g.dtype) };
}

export async function decodeEbSlab(bytes: Uint8Array, shape: number[], g: EbGlobals, prediction?: Float64Array, file?: string): Promise<Float64Array> {
  const r = new ByteReader(bytes, file, 'error-bounded slab');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(r.str('slab header'));
  } catch (err) {
    if (err instanceof BalerError) throw err;
    return r.fail('the slab header is not JSON');
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.shape) || header.shape.join() !== shape.join()) {
    r.fail('the slab header does not match the array');
  }
  const stream = r.take(r.varuint('stream length', r.remaining), 'stream');
  const exact = r.take(r.remaining, 'exact values');
  const decoded = await decodeErrorBounded(header, new Map([[STREAM_SECTION, stream], [EXACT_SECTION, exact]]), prediction);
  return castFloat64(decoded, g.dtype);
}
