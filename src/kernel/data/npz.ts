// numpy .npz reader and writer: a zip archive of .npy members (np.savez stores, np.savez_compressed deflates).
import { crc32 } from 'node:zlib';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { BalerError } from '../errors';
import { encodeNpy, parseNpyContent, type NpyContent } from './npy';

/** One array of an .npz archive; `name` is the key numpy uses (the member's file name without `.npy`). */
export interface NpzMember {
  name: string;
  array: NpyContent;
}

interface CentralEntry {
  name: string;
  crc: number;
}

const LOCAL_HEADER = 0x04034b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const CENTRAL_HEADER = 0x02014b50;

/** The .npy members of an .npz archive, in archive order. Other members are ignored (as numpy does for keys). */
export function parseNpz(bytes: Uint8Array, file?: string): NpzMember[] {
  checkSignature(bytes, file);
  const entries = readCentralDirectory(bytes, file);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (err) {
    throw new BalerError(`corrupted .npz (zip) file (${(err as Error).message})`, file);
  }
  const members: NpzMember[] = [];
  for (const entry of entries) {
    if (!entry.name.endsWith('.npy')) continue;
    const content = files[entry.name];
    if (!content) throw new BalerError(`corrupted .npz (zip) file (member '${entry.name}' cannot be read)`, file);
    if (crc32(content) !== entry.crc) throw new BalerError(`corrupted .npz file (member '${entry.name}' fails its CRC check)`, file);
    members.push({ name: entry.name.slice(0, -'.npy'.length), array: parseMember(content, entry.name, file) });
  }
  return members;
}

function parseMember(content: Uint8Array, memberName: string, file?: string): NpyContent {
  try {
    return parseNpyContent(content, file);
  } catch (err) {
    if (err instanceof BalerError) throw new BalerError(`member '${memberName}': ${err.message}`, file);
    throw err;
  }
}

function checkSignature(bytes: Uint8Array, file?: string): void {
  if (bytes.length >= 6 && bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY') {
    throw new BalerError('this is a .npy file, not an .npz archive (rename it to .npy)', file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = bytes.length >= 4 ? view.getUint32(0, true) : 0;
  if (signature !== LOCAL_HEADER && signature !== END_OF_CENTRAL_DIRECTORY) {
    throw new BalerError('not an .npz file (not a zip archive)', file);
  }
}

/** Member names and CRCs from the zip central directory (zip64 aware); fflate does not check CRCs. */
function readCentralDirectory(bytes: Uint8Array, file?: string): CentralEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd < 0) throw new BalerError('truncated or corrupted .npz file (no zip end-of-archive record)', file);
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) {
      throw new BalerError('corrupted .npz file (bad zip64 record)', file);
    }
    const end64 = Number(view.getBigUint64(locator + 8, true));
    if (end64 + 56 > bytes.length || view.getUint32(end64, true) !== ZIP64_END) {
      throw new BalerError('corrupted .npz file (bad zip64 record)', file);
    }
    count = Number(view.getBigUint64(end64 + 32, true));
    offset = Number(view.getBigUint64(end64 + 48, true));
  }
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL_HEADER) {
      throw new BalerError('truncated or corrupted .npz file (bad zip central directory)', file);
    }
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    entries.push({ name, crc: view.getUint32(offset + 16, true) });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(view: DataView): number {
  const lowest = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let pos = view.byteLength - 22; pos >= lowest; pos--) {
    if (view.getUint32(pos, true) === END_OF_CENTRAL_DIRECTORY) return pos;
  }
  return -1;
}

/** Encodes arrays as an .npz archive, stored like np.savez or deflated like np.savez_compressed. */
export function encodeNpz(members: NpzMember[], opts: { compress?: boolean } = {}): Uint8Array {
  const files: Zippable = {};
  for (const { name, array } of members) {
    const memberName = `${name}.npy`;
    if (memberName in files) throw new Error(`encodeNpz: duplicate member '${name}'`);
    files[memberName] = [encodeNpy(array), { level: opts.compress ? 6 : 0 }];
  }
  // numpy writes the DOS epoch as every member's time; a fixed time also makes the output reproducible.
  return zipSync(files, { mtime: new Date(1980, 0, 1) });
}
