// NIfTI-1 (348-byte header, magic "n+1\0") and NIfTI-2 (540-byte header, magic "n+2\0\r\n\032\n") headers of single
// .nii files, in either byte order (told by sizeof_hdr): the fields the reader needs, parsed from the bytes, and the
// few fields the writer changes, patched in place so that everything else (affine, pixdim, qform/sform, descrip,
// intent, xyzt_units, scl_slope/scl_inter, cal_min/max) is written back byte for byte.
import { BalerError } from '../errors';
import type { DType } from '../types';

export type NiftiVersion = 1 | 2;

/** NIfTI datatype codes of the dtypes read and written. */
export const NIFTI_DTYPES: Record<number, DType> = {
  2: 'uint8', 4: 'int16', 8: 'int32', 16: 'float32', 64: 'float64', 256: 'int8', 512: 'uint16', 768: 'uint32', 1024: 'int64', 1280: 'uint64',
};
/** Datatypes named in the refusal of those not read. */
const UNSUPPORTED: Record<number, string> = {
  1: 'binary (1-bit)', 32: 'complex64', 128: 'RGB24', 1536: 'float128', 1792: 'complex128', 2048: 'complex256', 2304: 'RGBA32',
};

export function datatypeOf(dtype: DType): number | undefined {
  if (dtype === 'bool') return 2;
  const found = Object.entries(NIFTI_DTYPES).find(([, d]) => d === dtype);
  return found ? Number(found[0]) : undefined;
}

const BYTES: Record<DType, number> = {
  uint8: 1, int8: 1, bool: 1, int16: 2, uint16: 2, float16: 2, int32: 4, uint32: 4, float32: 4, int64: 8, uint64: 8, float64: 8,
};

/** Where each field lies, by version. */
const LAYOUT = {
  1: { size: 348, datatype: 70, bitpix: 72, dim: 40, dimBytes: 2, voxOffset: 108, descrip: 148, magic: 344 },
  2: { size: 540, datatype: 12, bitpix: 14, dim: 16, dimBytes: 8, voxOffset: 168, descrip: 240, magic: 4 },
} as const;

const MAGIC1 = [0x6e, 0x2b, 0x31, 0x00]; // n+1\0
const PAIR1 = [0x6e, 0x69, 0x31, 0x00]; // ni1\0
const MAGIC2 = [0x6e, 0x2b, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]; // n+2\0\r\n\032\n
const PAIR2 = [0x6e, 0x69, 0x32, 0x00, 0x0d, 0x0a, 0x1a, 0x0a];

export interface NiftiHeader {
  version: NiftiVersion;
  littleEndian: boolean;
  /** sizeof_hdr: 348 or 540. */
  size: number;
  datatype: number;
  dtype: DType;
  /** dim[1..dim[0]]: x, y, z, t, … (x varies fastest on disk). */
  dims: number[];
  /** Where the voxels start. */
  voxOffset: number;
  descrip: string;
}

/** sizeof_hdr and the byte order it tells, from the first 4 bytes; a BalerError when neither 348 nor 540. */
export function headerSizeOf(first: Uint8Array, file: string): { size: number; version: NiftiVersion; littleEndian: boolean } {
  if (first.length < 4) throw new BalerError('truncated file: shorter than a NIfTI header', file);
  const view = new DataView(first.buffer, first.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === 348) return { size, version: 1, littleEndian };
    if (size === 540) return { size, version: 2, littleEndian };
  }
  throw new BalerError(`not a NIfTI file (sizeof_hdr is ${view.getInt32(0, true)}, not 348 or 540 in either byte order)`, file);
}

const same = (bytes: Uint8Array, at: number, magic: number[]): boolean => magic.every((b, i) => bytes[at + i] === b);

/** The header's fields, checked: magic, datatype, dimensions, vox_offset. */
export function parseNiftiHeader(bytes: Uint8Array, file: string): NiftiHeader {
  const { size, version, littleEndian } = headerSizeOf(bytes, file);
  if (bytes.length < size) throw new BalerError(`truncated file: the NIfTI-${version} header needs ${size} bytes, the file has ${bytes.length}`, file);
  const L = LAYOUT[version];
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  if (version === 1 ? same(bytes, L.magic, PAIR1) : same(bytes, L.magic, PAIR2)) {
    throw new BalerError(`a NIfTI-${version} header of a .hdr/.img pair (magic 'ni${version}'), not a single-file .nii: convert it to .nii (nibabel, fslchfiletype)`, file);
  }
  if (!same(bytes, L.magic, version === 1 ? MAGIC1 : MAGIC2)) {
    const shown = Array.from(bytes.subarray(L.magic, L.magic + (version === 1 ? 4 : 8)), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
    throw new BalerError(`not a NIfTI-${version} file: bad magic '${shown}' (expected 'n+${version}')`, file);
  }
  const datatype = view.getInt16(L.datatype, littleEndian);
  const dtype = NIFTI_DTYPES[datatype];
  if (!dtype) {
    const name = UNSUPPORTED[datatype];
    throw new BalerError(name ? `NIfTI datatype ${name} (code ${datatype}) is not read: only 8–64-bit integers, float32 and float64 are` : `unknown NIfTI datatype code ${datatype}`, file);
  }
  const dimAt = (k: number): number => {
    if (version === 1) return view.getInt16(L.dim + 2 * k, littleEndian);
    const v = view.getBigInt64(L.dim + 8 * k, littleEndian);
    return v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(v);
  };
  const rank = dimAt(0);
  if (!(rank >= 1 && rank <= 7)) throw new BalerError(`damaged NIfTI header: dim[0] is ${rank}, not 1 to 7`, file);
  const dims = Array.from({ length: rank }, (_, k) => dimAt(k + 1));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw new BalerError(`damaged NIfTI header: dimensions ${dims.join(' × ')} (each must be 1 or more)`, file);
  }
  const voxOffset = version === 1 ? view.getFloat32(L.voxOffset, littleEndian) : Number(view.getBigInt64(L.voxOffset, littleEndian));
  if (!Number.isSafeInteger(voxOffset) || voxOffset < size) {
    throw new BalerError(`damaged NIfTI header: vox_offset ${voxOffset} (the voxels must start after the ${size}-byte header)`, file);
  }
  const descripBytes = bytes.subarray(L.descrip, L.descrip + 80);
  const end = descripBytes.indexOf(0);
  const descrip = Buffer.from(descripBytes.subarray(0, end < 0 ? 80 : end)).toString('latin1');
  return { version, littleEndian, size, datatype, dtype, dims, voxOffset, descrip };
}

export function bytesOf(dtype: DType): number {
  return BYTES[dtype];
}

/**
 * A copy of `header` (a source's, in its byte order) with what the written file needs changed: datatype and bitpix
 * (the output's dtype), dim (only when the shape differs from the source's; dim[0] and the sizes, the rest 1) and
 * vox_offset (the kept extension bytes may differ).
 */
export function patchedHeader(header: Uint8Array, dtype: DType, dims: number[], voxOffset: number): Uint8Array {
  const out = header.slice();
  const { version, littleEndian, size } = headerSizeOf(out, '');
  const L = LAYOUT[version];
  const view = new DataView(out.buffer, 0, size);
  view.setInt16(L.datatype, datatypeOf(dtype)!, littleEndian);
  view.setInt16(L.bitpix, BYTES[dtype] * 8, littleEndian);
  const dimAt = (k: number): number => (version === 1 ? view.getInt16(L.dim + 2 * k, littleEndian) : Number(view.getBigInt64(L.dim + 8 * k, littleEndian)));
  const current = Array.from({ length: Math.max(0, Math.min(7, dimAt(0))) }, (_, k) => dimAt(k + 1));
  if (current.length !== dims.length || current.some((d, k) => d !== dims[k])) {
    for (let k = 0; k < 8; k++) {
      const v = k === 0 ? dims.length : k <= dims.length ? dims[k - 1] : 1;
      if (version === 1) view.setInt16(L.dim + 2 * k, v, littleEndian);
      else view.setBigInt64(L.dim + 8 * k, BigInt(v), littleEndian);
    }
  }
  if (version === 1) view.setFloat32(L.voxOffset, voxOffset, littleEndian);
  else view.setBigInt64(L.voxOffset, BigInt(voxOffset), littleEndian);
  return out;
}

/**
 * A new little-endian header for an array that did not come from a NIfTI file: NIfTI-1 unless a size passes its
 * 16-bit dim (then NIfTI-2), voxel sizes 1, no affine codes, no scaling.
 */
export function freshHeader(dtype: DType, dims: number[]): Uint8Array {
  const version: NiftiVersion = dims.every((d) => d <= 32767) ? 1 : 2;
  const L = LAYOUT[version];
  const out = new Uint8Array(L.size);
  const view = new DataView(out.buffer);
  view.setInt32(0, L.size, true);
  out.set(version === 1 ? MAGIC1 : MAGIC2, L.magic);
  view.setInt16(L.datatype, datatypeOf(dtype)!, true);
  view.setInt16(L.bitpix, BYTES[dtype] * 8, true);
  const pixdim = version === 1 ? 76 : 104;
  for (let k = 0; k < 8; k++) {
    const v = k === 0 ? dims.length : k <= dims.length ? dims[k - 1] : 1;
    if (version === 1) {
      view.setInt16(L.dim + 2 * k, v, true);
      view.setFloat32(pixdim + 4 * k, 1, true);
    } else {
      view.setBigInt64(L.dim + 8 * k, BigInt(v), true);
      view.setFloat64(pixdim + 8 * k, 1, true);
    }
  }
  if (version === 1) {
    view.setFloat32(L.voxOffset, L.size + 4, true);
    out[38] = 0x72; // regular = 'r', as nibabel writes
  } else {
    view.setBigInt64(L.voxOffset, BigInt(L.size + 4), true);
  }
  return out;
}
