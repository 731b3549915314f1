// .npz archives read member by member: the zip central directory by positioned reads, stored members read in
// slabs like .npy files, deflated members inflated as a stream (only the member needed, and only as far as the
// slab asked for), every declared size checked first. Written as a zip stream, one member after another.
import * as fs from 'node:fs';
import { Inflate, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { crc32 } from 'node:zlib';
import { BalerError } from '../errors';
import { kindOfArray, type NdArray } from '../types';
import { AtomicOutput, closeInput, openInput, outputError, readAt, syncAndClose, writeAll, type InputFile } from './files';
import { encodeNpy, encodeValues, isBigEndianNpy, npyHeaderFor } from './npy';
import { fileRegion, npyStream, type ByteSource } from './npy-file';
import { bareNamesOwner, isNamesKey, namesFor, namesKeyOf } from './npz-names';
import { notInFile, type ArrayDescription, type ArraySource, type DataSink, type DataSource, type SinkOptions, type SourceSelection } from './source';

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const LOCAL_HEADER = 0x04034b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;
/** Compressed bytes inflated per step: deflate expands at most ~1032×, so one step yields at most ~17 MB. */
const INFLATE_STEP = 16 * 1024;

export async function openNpz(file: string, budget: number, selection: SourceSelection = {}): Promise<DataSource> {
  const input = openInput(file);
  try {
    const entries = readCentralDirectory(input);
    const arrays: ArraySource[] = [];
    const skipped: { path: string; reason: string }[] = [];
    const names = new Map<string, string[]>();
    const wanted = selection.dataset?.replace(/^\/+/, '');
    const unselectedKeys: string[] = [];
    for (const entry of entries) {
      if (!entry.name.endsWith('.npy')) continue;
      const key = entry.name.slice(0, -'.npy'.length);
      const isNames = isNamesKey(key);
      // Only the selected member (and column names) is touched; others are listed from their .npy headers.
      // keys are compared without a leading '/' (an HDF5 file decompressed to .npz keeps its paths: '/group/x')
      const isWanted = key.replace(/^\/+/, '') === wanted;
      if (wanted !== undefined && !isWanted && !isNames) { unselectedKeys.push(key); continue; }
      let stream: ReturnType<typeof npyStream>;
      try {
        stream = withMemberName(entry.name, file, () => npyStream(memberBytes(input, entry), file, key, budget));
      } catch (err) {
        if (!(err instanceof BalerError) || entries.length === 1 || isWanted) throw err;
        skipped.push({ path: key, reason: `cannot be read (${err.message})` });
        continue;
      }
      if (stream.kind === 'numeric') {
        if (isNames) names.set(key, []); // an empty float array: no names
        else arrays.push(entry.method === DEFLATE ? withAttribute(stream.source, NPZ_DEFLATED) : stream.source);
      } else if (isNames) {
        names.set(key, withMemberName(entry.name, file, stream.strings));
      } else {
        skipped.push({ path: key, reason: 'holds strings, not numbers' });
      }
    }
    // Of all the file's arrays, those a --dataset leaves unread too: beside `data`, `names` is never another array's.
    const owner = bareNamesOwner([...arrays.map((a) => a.path), ...unselectedKeys]);
    for (const array of arrays) {
      const own = namesFor(array.path, owner, names);
      if (own) Object.assign(array, { names: own, kind: kindOfArray(array.shape, own) }); // named columns: a table
    }
    if (wanted !== undefined && !arrays.some((a) => a.path.replace(/^\/+/, '') === wanted) && !skipped.some((a) => a.path.replace(/^\/+/, '') === wanted)) {
      throw notInFile('array', selection.dataset!, unselectedKeys, file);
    }
    const unselected = unselectedKeys.length;
    return { file, format: 'npz', arrays, skipped, ...(unselected ? { unselected } : {}), close: async () => closeInput(input) };
  } catch (err) {
    closeInput(input);
    throw err;
  }
}

function withMemberName<T>(member: string, file: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof BalerError && !err.message.startsWith('member ')) throw new BalerError(`member '${member}': ${err.message}`, file);
    throw err;
  }
}

/** A zip member's compression method: deflate (np.savez_compressed); 0 is stored (np.savez). */
const DEFLATE = 8;
/** An array's attribute: its member was deflated, and is written back so (a savez_compressed file stays one). */
const NPZ_DEFLATED = 'npzDeflated';

function withAttribute(array: ArraySource, name: string): ArraySource {
  return Object.assign(array, { attributes: { ...array.attributes, [name]: true } });
}

/** The bytes of one member: a file region when stored, an inflating stream when deflated. */
function memberBytes(input: InputFile, entry: ZipEntry): ByteSource {
  const local = readAt(input, entry.localOffset, 30, `member '${entry.name}'`);
  const view = new DataView(local.buffer);
  if (view.getUint32(0, true) !== LOCAL_HEADER) throw corrupted(input, `member '${entry.name}' has no local header`);
  const dataStart = entry.localOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
  if (dataStart + entry.compressedSize > input.size) throw corrupted(input, `member '${entry.name}' lies beyond the end of the file`, true);
  const what = `member '${entry.name}'`;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw corrupted(input, `${what} has inconsistent sizes`);
    return fileRegion(input, dataStart, entry.size, what, entry.crc);
  }
  if (entry.method === DEFLATE) return inflatingRegion(input, dataStart, entry, what);
  throw new BalerError(`${what} uses zip compression method ${entry.method} (supported: stored, deflate)`, input.file);
}

/** A deflated member inflated on demand: forward from where the last read ended, from the start otherwise. */
function inflatingRegion(input: InputFile, start: number, entry: ZipEntry, what: string): ByteSource {
  // Inflated bytes [retainedStart, produced) are kept (at most one read plus one step's output); earlier ones are
  // dropped as they come, so memory stays bounded whatever the member's size.
  let inflater: Inflate;
  let consumed = 0;
  let produced = 0;
  let crc = 0;
  let retained: Uint8Array[] = [];
  let retainedStart = 0;
  const restart = (): void => {
    consumed = 0;
    produced = 0;
    crc = 0;
    retained = [];
    retainedStart = 0;
    inflater = new Inflate((chunk, final) => {
      crc = crc32(chunk, crc);
      const chunkStart = produced;
      produced += chunk.length;
      if (produced > entry.size) throw corrupted(input, `${what} inflates beyond its declared size of ${entry.size} bytes`);
      if (produced > retainedStart) retained.push(chunk.subarray(Math.max(0, retainedStart - chunkStart)));
      if (final && (produced !== entry.size || crc !== entry.crc)) {
        throw new BalerError(`corrupted .npz file (${what} fails its CRC check)`, input.file);
      }
    });
  };
  restart();
  return {
    size: entry.size,
    read(offset, length) {
      if (offset < retainedStart) restart();
      retained = trimFront(retained, offset - retainedStart);
      retainedStart = offset;
      while (produced < offset + length) {
        if (consumed >= entry.compressedSize) throw corrupted(input, `${what} ends before its declared size`);
        const step = Math.min(INFLATE_STEP, entry.compressedSize - consumed);
        const chunk = readAt(input, start + consumed, step, what);
        consumed += step;
        try {
          inflater.push(chunk, consumed === entry.compressedSize);
        } catch (err) {
          if (err instanceof BalerError) throw err;
          throw corrupted(input, `${what} cannot be inflated (${(err as Error).message})`);
        }
      }
      const out = new Uint8Array(length);
      let filled = 0;
      for (const part of retained) {
        const n = Math.min(part.length, length - filled);
        out.set(part.subarray(0, n), filled);
        filled += n;
        if (filled === length) break;
      }
      retained = trimFront(retained, length);
      retainedStart = offset + length;
      return out;
    },
  };
}

function trimFront(parts: Uint8Array[], bytes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let skip = Math.max(0, bytes);
  for (const part of parts) {
    if (skip >= part.length) { skip -= part.length; continue; }
    out.push(skip > 0 ? part.subarray(skip) : part);
    skip = 0;
  }
  return out;
}

function corrupted(input: InputFile, detail: string, truncated = false): BalerError {
  return new BalerError(`${truncated ? 'truncated or corrupted' : 'corrupted'} .npz file (${detail})`, input.file);
}

/** The members listed in the zip central directory (zip64 aware), read with positioned reads. */
function readCentralDirectory(input: InputFile): ZipEntry[] {
  checkSignature(input);
  const tailLength = Math.min(input.size, 22 + 0xffff);
  const tail = readAt(input, input.size - tailLength, tailLength, 'the zip directory');
  const view = new DataView(tail.buffer);
  let eocd = -1;
  for (let pos = tail.length - 22; pos >= 0; pos--) {
    if (view.getUint32(pos, true) === END_OF_CENTRAL_DIRECTORY) { eocd = pos; break; }
  }
  if (eocd < 0) throw corrupted(input, 'no zip end-of-archive record', true);
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff || size === 0xffffffff) {
    const locatorAt = input.size - tailLength + eocd - 20;
    const locator = readAt(input, Math.max(0, locatorAt), 20, 'the zip64 locator');
    const lv = new DataView(locator.buffer);
    if (locatorAt < 0 || lv.getUint32(0, true) !== ZIP64_LOCATOR) throw corrupted(input, 'bad zip64 record');
    const end64 = Number(lv.getBigUint64(8, true));
    const record = readAt(input, end64, 56, 'the zip64 record');
    const rv = new DataView(record.buffer);
    if (rv.getUint32(0, true) !== ZIP64_END) throw corrupted(input, 'bad zip64 record');
    count = Number(rv.getBigUint64(32, true));
    size = Number(rv.getBigUint64(40, true));
    offset = Number(rv.getBigUint64(48, true));
  }
  if (offset + size > input.size || count > size / 46) throw corrupted(input, 'bad zip central directory', true);
  const directory = readAt(input, offset, size, 'the zip central directory');
  const dv = new DataView(directory.buffer);
  const entries: ZipEntry[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > directory.length || dv.getUint32(pos, true) !== CENTRAL_HEADER) {
      throw corrupted(input, 'bad zip central directory', true);
    }
    const nameLength = dv.getUint16(pos + 28, true);
    const extraLength = dv.getUint16(pos + 30, true);
    const commentLength = dv.getUint16(pos + 32, true);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(directory.subarray(pos + 46, pos + 46 + nameLength)),
      method: dv.getUint16(pos + 10, true),
      crc: dv.getUint32(pos + 16, true),
      compressedSize: dv.getUint32(pos + 20, true),
      size: dv.getUint32(pos + 24, true),
      localOffset: dv.getUint32(pos + 42, true),
    };
    applyZip64(entry, directory.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength));
    entries.push(entry);
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces the 0xffffffff sizes and offset by those of the zip64 extra field (in its fixed order). */
function applyZip64(entry: ZipEntry, extra: Uint8Array): void {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let pos = 0; pos + 4 <= extra.length;) {
    const id = view.getUint16(pos, true);
    const length = view.getUint16(pos + 2, true);
    if (id === 0x0001) {
      let at = pos + 4;
      const next = (): number => { const v = Number(view.getBigUint64(at, true)); at += 8; return v; };
      if (entry.size === 0xffffffff && at + 8 <= pos + 4 + length) entry.size = next();
      if (entry.compressedSize === 0xffffffff && at + 8 <= pos + 4 + length) entry.compressedSize = next();
      if (entry.localOffset === 0xffffffff && at + 8 <= pos + 4 + length) entry.localOffset = next();
    }
    pos += 4 + length;
  }
}

function checkSignature(input: InputFile): void {
  const head = readAt(input, 0, Math.min(6, input.size), 'the signature');
  if (head.length >= 6 && head[0] === 0x93 && String.fromCharCode(...head.subarray(1, 6)) === 'NUMPY') {
    throw new BalerError('this is a .npy file, not an .npz archive (rename it to .npy)', input.file);
  }
  const signature = head.length >= 4 ? new DataView(head.buffer).getUint32(0, true) : 0;
  if (signature !== LOCAL_HEADER && signature !== END_OF_CENTRAL_DIRECTORY) {
    throw new BalerError('not an .npz file (not a zip archive)', input.file);
  }
}

// ---------------------------------------------------------------------------------------------- writing

/** Whether an array came from a deflated member (its .npz was np.savez_compressed's). */
function deflatedIn(a: ArrayDescription): boolean {
  return a.attributes?.[NPZ_DEFLATED] === true;
}

/** Members over this size would need zip64, which fflate's stream writer does not write. */
const MAX_MEMBER = 0xffffffff - 1024;

/**
 * Writes arrays as an .npz (np.savez layout; members deflated like np.savez_compressed with `compress`, or where
 * they were read from deflated members): one
 * array without a name of its own (from .npy, CSV, Parquet…) or named `data` → members `data` and `names` (the
 * reference tool's layout); otherwise one member per array path (an .npz's single `elevation` comes back as
 * `elevation`), with its column names in `PATH.names`, or in `names` beside `data` (npz-names.ts).
 */
export function createNpzSink(file: string, arrays: ArrayDescription[], opts: SinkOptions = {}): DataSink {
  const out = new AtomicOutput(file, opts);
  const fd = (() => {
    try { return fs.openSync(out.tempPath, 'wx'); } catch (err) { throw outputError(err, file); }
  })();
  let failure: Error | undefined;
  const zip = new Zip((err, chunk) => {
    if (err) { failure = err; return; }
    try { writeAll(fd, chunk, file); } catch (e) { failure = e as Error; }
  });
  const single = arrays.length === 1 && (arrays[0].path === '' || arrays[0].path === 'data');
  // HDF5 and netCDF paths start with '/': np.load would give keys like '/fields/pressure'.
  const memberOf = (a: ArrayDescription, i: number): string => (single ? 'data' : a.path.replace(/^\/+/, '') || `array${i}`);
  const addMember = (name: string, deflated: boolean, bytes?: Uint8Array): ZipPassThrough | ZipDeflate => {
    const member = opts.compress || deflated ? new ZipDeflate(`${name}.npy`, { level: 6 }) : new ZipPassThrough(`${name}.npy`);
    member.mtime = new Date(1980, 0, 1); // numpy's DOS epoch; also makes the output reproducible
    zip.add(member);
    if (bytes) member.push(bytes, true);
    return member;
  };
  const check = (): void => { if (failure) throw failure; };
  let current = -1;
  let member: ZipPassThrough | ZipDeflate | undefined;
  let rows = 0;
  const expectedRows = (a: ArrayDescription): number => (a.shape.length === 0 ? 1 : a.shape[0]);
  const endMember = (): void => {
    if (current < 0) return;
    const a = arrays[current];
    if (rows !== expectedRows(a)) throw new Error(`npz sink: ${rows} rows of '${a.path}' written of ${expectedRows(a)}`);
    member?.push(new Uint8Array(0), true);
    if (single || a.names.length > 0) addMember(namesKeyOf(memberOf(a, current)), deflatedIn(a), namesBytes(a.names));
    member = undefined;
  };
  const begin = (index: number): void => {
    endMember();
    const a = arrays[index];
    const header = npyHeaderFor(a.dtype, a.shape, isBigEndianNpy(a.attributes));
    const bytes = header.length + a.shape.reduce((p, d) => p * d, 1) * itemSize(a);
    if (bytes > MAX_MEMBER) throw new BalerError(`the array '${a.path}' is over 4 GiB, which needs zip64: write .npy, .h5 or .zarr`, file);
    current = index;
    rows = 0;
    member = addMember(memberOf(a, index), deflatedIn(a));
    member.push(header);
  };
  return {
    async writeSlab(index, slab: NdArray) {
      if (index !== current) {
        if (index !== current + 1) throw new Error(`npz sink: array ${index} written out of order`);
        begin(index);
      }
      member!.push(encodeValues(slab.data, arrays[index].dtype, isBigEndianNpy(arrays[index].attributes)));
      rows += arrays[index].shape.length === 0 ? 1 : slab.shape[0];
      check();
    },
    async finish() {
      try {
        while (current < arrays.length - 1) begin(current + 1); // arrays with no rows left to write
        endMember();
        zip.end();
        check();
        syncAndClose(fd, file);
      } catch (err) {
        try { fs.closeSync(fd); } catch { /* closed by syncAndClose */ }
        out.discard();
        throw err;
      }
      out.commit();
    },
    async abort() {
      try { fs.closeSync(fd); } catch { /* already closed */ }
      out.discard();
    },
  };
}

function itemSize(a: ArrayDescription): number {
  return { float16: 2, float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, bool: 1 }[a.dtype];
}

/** `names` as the reference writes it: an empty float64 array when there are none, else a unicode array. */
function namesBytes(names: string[]): Uint8Array {
  if (names.length === 0) return encodeNpy({ dtype: 'float64', shape: [0], data: new Float64Array(0) });
  return encodeNpy({ dtype: 'unicode', shape: [names.length], strings: names });
}
