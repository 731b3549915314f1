// inspect(): sizes, ratios and error figures of a .baler from its index, every chunk's checksum checked (no decoding). The one place the
// ratios are defined: original bytes over everything needed to decompress (total), and over the coded data
// alone (latents and residuals, no decoder, no header: latent-only).
import type { ArrayInfo, ErrorFigures, FileInfo, SizeBreakdown } from './api';
import { parseAttributes, type ArrayEntry, type ModelPart } from './codec/header';
import { DTYPE_BYTES } from './data/dtype';
import { maskedFillOf } from './data/fill';
import { textColumnsOf } from './data/text-columns';
import { formatErrorBound } from './eb/bound';
import { POINTS_SECTION } from './codec/header-check';
import { checkChunks } from './codec/container';
import type { SharedModelFile } from './codec/header-fields';
import { locateSharedModel } from './codec/model-file';
import { openBaler } from './decompress';

export interface InspectOptions {
  /**
   * Check that the file can be decoded as it stands (default true): every chunk's checksum, so that a look at a
   * file says whether its bytes are as written, and that each shared model it refers to is found. False where the
   * file was just written and read back, or just decoded.
   */
  check?: boolean;
  /** Where to look for a shared model file first (decompress's --model-dir); beside the file after. */
  modelDir?: string;
}

export async function inspect(file: string, opts: InspectOptions = {}): Promise<FileInfo> {
  const f = openBaler(file);
  const sharedModels = sharedModelsOf(f.header.arrays);
  let checked: FileInfo['checked'];
  try {
    if (opts.check ?? true) {
      checked = checkChunks(f.access, f.index.sections, file);
      for (const ref of sharedModels) locateSharedModel(ref, file, opts.modelDir);
    }
  } finally {
    f.close();
  }
  const { header, index } = f;
  const stored = (pred: (role: string) => boolean) =>
    index.sections.filter((s) => s.name !== POINTS_SECTION && pred(s.name.slice(s.name.indexOf('.') + 1))).reduce((n, s) => n + s.storedBytes, 0);
  const shared = sharedModels.reduce((n, m) => n + m.bytes, 0);
  let elements = 0;
  let held = 0; // the arrays' bytes in their dtypes
  for (const a of header.arrays) {
    const count = a.shape.reduce((x, y) => x * y, 1);
    elements += count;
    held += count * DTYPE_BYTES[a.dtype];
  }
  const points = index.sections.find((s) => s.name === POINTS_SECTION)?.storedBytes ?? 0;
  const sizes: SizeBreakdown = {
    originalFile: header.source.bytes,
    // A file held in part (arrays left out, or one part of a file compressed in parts): what it holds.
    original: header.source.leftOut || header.part ? held : header.source.bytes,
    originalFloat32: elements * 4,
    latents: stored((r) => r === 'latents'),
    decoder: stored((r) => r === 'decoder') + shared,
    residuals: stored((r) => r === 'data'),
    // The search's record of the points it tried is metadata, like the header.
    header: index.overheadBytes + points,
    total: index.totalBytes + shared,
    file: index.totalBytes,
    decoderShared: shared > 0,
  };
  const first = header.arrays[0];
  const model = modelOf(first);
  const arrays = header.arrays.map((a) => ({ ...arrayInfo(a), ...(header.part ? boundRangeOf(a) : {}) }));
  return {
    file,
    formatVersion: index.version,
    ...(checked ? { checked } : {}),
    kind: first.kind,
    shape: first.shape,
    dtype: first.dtype,
    names: first.names,
    ...(arrays[0].textColumns ? { textColumns: arrays[0].textColumns } : {}),
    ...(arrays[0].exactColumns ? { exactColumns: arrays[0].exactColumns } : {}),
    mode: first.codec.mode,
    ...(first.codec.mode === 'error-bounded' ? { errorBound: formatErrorBound(first.codec.bound) } : {}),
    ...(header.part ? boundRangeOf(first) : {}),
    ...(model ? { architecture: model.architecture, latentPrecision: model.latentPrecision } : {}),
    ...learnedInfo(first),
    ...(arrays[0].missingValue !== undefined ? { missingValue: arrays[0].missingValue } : {}),
    ...entropyOf(header.arrays, index.sections),
    sizes,
    ratios: ratiosOf(sizes),
    errors: withHeadlinePsnr(first.errors),
    createdBy: header.createdBy,
    source: {
      name: header.source.name, format: header.source.format,
      ...(header.source.leftOut ? { leftOut: header.source.leftOut } : {}),
      ...(header.part ? { part: { index: header.part.index, count: header.part.count } } : {}),
    },
    arrays,
    ...(header.search ? { search: { target: header.search.target, objective: header.search.objective, pointsTried: header.search.points } } : {}),
  };
}

/** The original over everything needed to decompress (total), and over the coded data alone (latent-only). */
export function ratiosOf(sizes: SizeBreakdown): FileInfo['ratios'] {
  const coded = Math.max(1, sizes.latents + sizes.residuals);
  return {
    total: sizes.original / sizes.total,
    latentOnly: sizes.original / coded,
    totalVsFloat32: sizes.originalFloat32 / sizes.total,
    latentOnlyVsFloat32: sizes.originalFloat32 / coded,
  };
}

/**
 * The errors as every view states them: a table's PSNR is its worst column's, each column on its own range (a
 * whole-table PSNR, on the range of all columns together, hides a column that lost everything); the
 * whole-table figure stays beside it. The header keeps both as measured.
 */
export function withHeadlinePsnr(stored: ErrorFigures): ErrorFigures {
  if (!stored.worstColumn) return stored;
  return { ...stored, psnr: stored.worstColumn.psnr, psnrWhole: stored.psnr };
}

/**
 * How the stored bytes are entropy-coded: the error-bounded coder's own adaptive range coder, a lossless slab's
 * zstd, and the sections' coding as the index records it (a constant array has no section, so nothing to show).
 */
function entropyOf(arrays: ArrayEntry[], sections: { name: string; coding: string }[]): { entropy?: string } {
  const codings = new Set(sections.filter((s) => s.name !== POINTS_SECTION).map((s) => s.coding));
  if (codings.size === 0) return {};
  const modes = new Set(arrays.map((a) => a.codec.mode));
  const coders = modes.has('error-bounded') ? ['adaptive range coder'] : [];
  // A lossless slab holds zstd's frame itself, or its raw bytes when zstd does not shrink them.
  if (modes.has('lossless')) coders.push('zstd (or raw when not smaller)');
  for (const c of ['zstd', 'deflate']) if (codings.has(c) && !coders.includes(c)) coders.push(c);
  return { entropy: coders.length ? coders.join(' + ') : 'none (stored raw)' };
}

/** The shared model files the arrays refer to, each once. */
function sharedModelsOf(arrays: ArrayEntry[]): SharedModelFile[] {
  const byHash = new Map<string, SharedModelFile>();
  for (const a of arrays) {
    const learned = a.codec.mode === 'error-bounded' ? a.codec.learned : undefined;
    for (const ref of [modelOf(a)?.shared, learned?.shared]) if (ref) byHash.set(ref.hash, ref);
  }
  return [...byHash.values()];
}

function modelOf(a: ArrayEntry): ModelPart | undefined {
  return a.codec.mode === 'autoencoder' ? a.codec.model : a.codec.mode === 'error-bounded' ? a.codec.prediction : undefined;
}

function learnedInfo(a: ArrayEntry): Pick<ArrayInfo, 'learned'> {
  const l = a.codec.mode === 'error-bounded' ? a.codec.learned : undefined;
  return l ? { learned: { family: l.family, shared: !!l.shared, baselineBytes: l.baselineBytes } } : {};
}

function arrayInfo(a: ArrayEntry): ArrayInfo {
  const { textColumns, missingValue } = fromAttributes(a);
  return {
    ...learnedInfo(a),
    path: a.path,
    kind: a.kind,
    shape: a.shape,
    dtype: a.dtype,
    names: a.names,
    ...(textColumns ? { textColumns } : {}),
    ...exactColumnsOf(a),
    mode: a.codec.mode,
    ...(a.codec.mode === 'error-bounded' ? { errorBound: formatErrorBound(a.codec.bound) } : {}),
    ...(missingValue !== undefined ? { missingValue } : {}),
    errors: withHeadlinePsnr(a.errors),
  };
}

/** The columns of an error-bounded table coded exactly (a tolerance of 0: stats.ts exactColumns, or one value). */
function exactColumnsOf(a: ArrayEntry): Pick<ArrayInfo, 'exactColumns'> {
  const c = a.codec;
  if (c.mode !== 'error-bounded' || c.tolerances.length < 2 || c.bound.value === 0) return {};
  const exact = c.tolerances.flatMap((t, k) => (t === 0 ? [a.names[k] ?? `#${k + 1}`] : []));
  return exact.length > 0 ? { exactColumns: exact } : {};
}

/** Of a part: the whole array's range a rel bound on one range is of, from the tolerance it was coded within. */
function boundRangeOf(a: ArrayEntry): Pick<ArrayInfo, 'boundRange'> {
  const c = a.codec;
  if (c.mode !== 'error-bounded' || c.bound.kind !== 'rel' || c.tolerances.length !== 1 || !(c.bound.value > 0)) return {};
  return { boundRange: c.tolerances[0] / c.bound.value };
}

/** What an array's attributes say, read once (they hold its text columns: up to megabytes of JSON). */
function fromAttributes(a: ArrayEntry): Pick<ArrayInfo, 'textColumns' | 'missingValue'> {
  const attributes = parseAttributes(a.attributes);
  const columns = textColumnsOf(attributes, a.shape[0]);
  const value = maskedFillOf(attributes);
  return { ...(columns.length > 0 ? { textColumns: columns.map((c) => c.name) } : {}), ...(value !== undefined ? { missingValue: value } : {}) };
}
