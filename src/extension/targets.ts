// What Compress File asks for: a compression target, offered as presets with a one-line explanation each,
// the recommended one first, and a free-text entry for anything else. Pure (no vscode): tests use it too.
import type { CompressOptions } from '../kernel/api';
import { DEFAULT_ERROR_BOUND, parseRequestedBound } from '../kernel/eb/bound';

export type Target =
  | { kind: 'errorBound'; errorBound: string }
  | { kind: 'ratio'; compressionRatio: number; sharedDecoder?: boolean }
  | { kind: 'psnr'; target: string };

export interface TargetPreset {
  label: string;
  description: string;
  detail: string;
  /** The target text (parseTarget reads it); undefined: ask for a value. */
  text?: string;
  sharedDecoder?: boolean;
  recommended?: boolean;
}

export const CUSTOM_LABEL = 'Custom…';

export interface PresetDefaults {
  errorBound: string;
  defaultCompressionRatio: number;
}

export function targetPresets(d: PresetDefaults): TargetPreset[] {
  const bound = d.errorBound || DEFAULT_ERROR_BOUND;
  const ratio = d.defaultCompressionRatio;
  return [
    {
      label: `Error bound ${bound}`, description: d.errorBound ? 'recommended · your baler.errorBound' : 'recommended', recommended: true, text: bound,
      detail: 'Every value within the bound, guaranteed and checked; no training, fast. rel: a fraction of each column\'s range.',
    },
    { label: 'Lossless', description: 'abs:0', text: 'abs:0', detail: 'Every value comes back exactly (smallest exact coding the error-bounded coder finds).' },
    { label: 'PSNR target 40 dB', description: 'psnr:40 · search', text: 'psnr:40', detail: 'Smallest total (decoder counted) reaching 40 dB: tries autoencoders and the error-bounded coder, up to 60 s.' },
    { label: 'Point-wise relative bound 1%', description: 'pw-rel:1e-2', text: 'pw-rel:1e-2', detail: 'Each value within 1% of itself; zeros stay exactly zero. For data spanning many orders of magnitude.' },
    { label: `Autoencoder, ratio ${ratio}`, description: `latent = values per sample / ${ratio}`, text: String(ratio), detail: 'Trains a model on this file; the decoder is embedded in the .baler and counted in its size. No error guarantee.' },
    {
      label: `Autoencoder, ratio ${ratio}, shared decoder`, description: 'NAME.balermodel beside the file', text: String(ratio), sharedDecoder: true,
      detail: 'For many files of one kind: the decoder goes to a model file referenced by hash, stored once for all of them.',
    },
    { label: CUSTOM_LABEL, description: 'a ratio, abs:X, rel:X, pw-rel:X or psnr:DB', detail: 'Type any target; it is checked as you type.' },
  ];
}

/** What Compress File does without asking (baler.askForTarget off): the recommended preset, as the CLI would. */
export function recommendedTarget(d: PresetDefaults): string {
  return targetPresets(d).find((p) => p.recommended)!.text!;
}

/** A target typed by the user: a ratio ("20"), an error bound ("abs:1e-3"), "lossless" or "psnr:40". */
export function parseTarget(text: string): Target | string {
  const t = text.trim();
  if (/^lossless$/i.test(t)) return { kind: 'errorBound', errorBound: 'abs:0' };
  const psnr = /^psnr\s*:\s*(\S+)$/i.exec(t);
  if (psnr) {
    const db = Number(psnr[1]);
    return Number.isFinite(db) && db > 0 ? { kind: 'psnr', target: `psnr:${db}` } : 'psnr:DB needs a positive number of decibels, e.g. psnr:40';
  }
  if (/^[a-z-]+\s*:/i.test(t)) {
    try {
      parseRequestedBound(t);
      return { kind: 'errorBound', errorBound: t.replace(/\s+/g, '') };
    } catch (err) {
      return (err as Error).message;
    }
  }
  const ratio = Number(t.replace(/x$/i, ''));
  if (t !== '' && Number.isFinite(ratio) && ratio > 1) return { kind: 'ratio', compressionRatio: ratio };
  return 'enter a compression ratio above 1 (e.g. 20), an error bound (abs:1e-3, rel:1e-3, pw-rel:1e-2), lossless or psnr:40';
}

export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'errorBound': return t.errorBound === 'abs:0' ? 'lossless (abs:0)' : `error bound ${t.errorBound}`;
    case 'psnr': return `smallest total reaching ${t.target}`;
    case 'ratio': return `ratio ${t.compressionRatio}${t.sharedDecoder ? ', shared decoder' : ''}`;
  }
}

/** The engine options of a target; `modelFile` is where a shared decoder goes. */
export function targetOptions(t: Target, modelFile: string): CompressOptions {
  switch (t.kind) {
    case 'errorBound': return { errorBound: t.errorBound };
    case 'psnr': return { target: t.target };
    case 'ratio': return { compressionRatio: t.compressionRatio, ...(t.sharedDecoder ? { modelFile } : {}) };
  }
}
