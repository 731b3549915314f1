// inspect(): sizes, ratios and error figures of a .baler from its header alone (no decoding).
import type { ErrorFigures, FileInfo, SizeBreakdown } from './api';
import { readContainerHeaderFile } from './codec/container';
import { POINTS_SECTION } from './search';

/** Sizes, ratios and error figures of a .baler, from its header alone (no decoding). */
export async function inspect(file: string): Promise<FileInfo> {
  const { header, layout, headerBytes, totalBytes, version } = readContainerHeaderFile(file);
  const h = header as Record<string, any>;
  const sizeOf = (pred: (name: string) => boolean) => layout.filter((s) => pred(s.name)).reduce((a, s) => a + s.storedBytes, 0);
  const sharedDecoder = h.model?.decoder?.shared?.bytes ?? 0;
  const count = h.dataset.shape.reduce((a: number, b: number) => a * b, 1);
  const sizes: SizeBreakdown = {
    originalFile: h.source.bytes,
    originalFloat32: count * 4,
    latents: sizeOf((n) => n === 'latents'),
    decoder: sizeOf((n) => n === 'decoder') + sharedDecoder,
    residuals: sizeOf((n) => n.startsWith('eb.')),
    // The search's record of the points it tried is metadata, like the header.
    header: headerBytes + sizeOf((n) => n === POINTS_SECTION),
    total: totalBytes + sharedDecoder,
    file: totalBytes,
    decoderShared: sharedDecoder > 0,
  };
  const latentOnlyBytes = Math.max(1, sizes.latents + sizes.residuals);
  return {
    file,
    formatVersion: version,
    kind: h.dataset.kind,
    shape: h.dataset.shape,
    dtype: h.dataset.dtype,
    names: h.dataset.names,
    mode: h.mode,
    errorBound: h.errorBound,
    architecture: h.model?.architecture,
    latentPrecision: h.latents?.precision,
    entropy: layout[0]?.coding === 'raw' ? 'none' : (layout[0]?.coding as FileInfo['entropy']),
    sizes,
    ratios: {
      total: sizes.originalFile / sizes.total,
      latentOnly: sizes.originalFile / latentOnlyBytes,
      totalVsFloat32: sizes.originalFloat32 / sizes.total,
      latentOnlyVsFloat32: sizes.originalFloat32 / latentOnlyBytes,
    },
    errors: h.errors as ErrorFigures,
    history: undefined,
    createdBy: h.createdBy,
    ...(h.search && typeof h.search.points === 'number'
      ? { search: { target: h.search.target, objective: h.search.objective, seconds: h.search.seconds, pointsTried: h.search.points } }
      : {}),
  };
}
