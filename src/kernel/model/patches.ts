// Autoencoders whose size does not grow with the frame size: a large frame is cut into tiles, and the tiles,
// not the frames, are the samples of the model (dense or convolutional), so its decoder has a fixed size.
// The rule (chooseArchitecture): frames of more than TILE_ABOVE values use TILE_SIDE × TILE_SIDE tiles; smaller
// frames and tables keep the reference tool's model, one sample per row. A frame is seen as a 2-D image (the
// product of its leading axes × its last axis); a side that is not a multiple of the tile is padded by repeating
// its last row or column, and the padding is cropped when decoding.
import type { Architecture, DataKind } from '../types';
import { BalerError } from '../errors';
import { defaultArchitecture, type ArchitectureOptions } from './architectures';

/** Side of a tile (values); 16 × 16 = 256 values, 2–3 latents per tile at the default ratio of frames. */
export const TILE_SIDE = 16;
/** Frames with more values than this (64 × 64) are cut into tiles. */
export const TILE_ABOVE = 4096;

export interface FrameView {
  height: number;
  width: number;
}

/** A row (frame) of this shape as a 2-D image. */
export function frameView(rowShape: number[]): FrameView {
  const width = rowShape.length > 0 ? rowShape[rowShape.length - 1] : 1;
  const height = rowShape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { height, width };
}

function tileGrid(view: FrameView, tile: FrameView): { rows: number; cols: number } {
  return { rows: Math.ceil(view.height / tile.height), cols: Math.ceil(view.width / tile.width) };
}

/** Values the network takes per sample (a tile or a whole row). */
export function sampleValues(arch: Architecture): number {
  return arch.type === 'dense' ? arch.inputSize : arch.height * arch.width;
}

/** Samples of the model in one row of this shape: its tiles, or the row itself. */
export function samplesPerRow(arch: Architecture, rowShape: number[]): number {
  if (!arch.tile) return 1;
  const { rows, cols } = tileGrid(frameView(rowShape), arch.tile);
  return rows * cols;
}

/** Latent values stored per row (frame or table row). */
export function latentsPerRow(arch: Architecture, rowShape: number[]): number {
  return arch.latent * samplesPerRow(arch, rowShape);
}

/** Why a model cannot take rows of this shape, or undefined when it can. */
export function shapeMismatch(arch: Architecture, rowShape: number[]): string | undefined {
  const rowValues = rowShape.reduce((a, b) => a * b, 1);
  if (arch.tile) {
    const { height, width } = arch.tile;
    if (height * width !== sampleValues(arch)) return `its tiles of ${height}×${width} do not match its input of ${sampleValues(arch)} values`;
    if (arch.type === 'conv' && (arch.height !== height || arch.width !== width)) return `its tiles of ${height}×${width} do not match its ${arch.height}×${arch.width} input`;
    const view = frameView(rowShape);
    if (height > view.height || width > view.width) return `its tiles of ${height}×${width} are larger than the data's ${view.height}×${view.width} frames`;
    return undefined;
  }
  const inputs = sampleValues(arch);
  return inputs === rowValues ? undefined : `it takes ${inputs} values per sample, the data has ${rowValues}`;
}

/**
 * The architecture for data of this kind and shape: the reference model for tables and frames of up to
 * TILE_ABOVE values; beyond, the same kind of model on tiles. `latent` (--latent) counts per row, as for the
 * reference model, and is shared among a frame's tiles (rounded, at least 1 per tile); `compressionRatio`
 * applies to each tile.
 */
export function chooseArchitecture(arrayKind: DataKind, shape: number[], opts: ArchitectureOptions = {}, file?: string): Architecture {
  // The samples of a 2-D array are its rows, as in the reference tool, also when it is an image (types.ts kindOfArray).
  const kind = shape.length < 3 ? 'table' : arrayKind;
  if (opts.modelType === 'conv' && kind !== 'frames') {
    const what = shape.length === 2 ? `the samples of this 2-D array are its rows (${shape[1]} values each)` : `this array of shape (${shape.join(', ')}) is a table`;
    throw new BalerError(`--model conv needs frames (frames × height × width): ${what}; use --model dense`, file);
  }
  const rowShape = shape.slice(1);
  const rowValues = rowShape.reduce((a, b) => a * b, 1);
  const view = frameView(rowShape);
  // Frames of more than two dimensions (colours, levels) are seen as height × width, as their tiles are.
  if (kind !== 'frames' || rowValues <= TILE_ABOVE) return defaultArchitecture(kind, kind === 'frames' ? [shape[0], view.height, view.width] : shape, opts);
  const tile = { height: Math.min(TILE_SIDE, view.height), width: Math.min(TILE_SIDE, view.width) };
  const { rows, cols } = tileGrid(view, tile);
  const latent = opts.latent === undefined ? undefined : Math.max(1, Math.round(opts.latent / (rows * cols)));
  return { ...defaultArchitecture('frames', [1, tile.height, tile.width], { ...opts, latent }), tile };
}

/** The model's samples from rows (count × row values, C order): the rows themselves, or their tiles. */
export function rowsToSamples(arch: Architecture, values: Float32Array, rows: number, rowShape: number[]): Float32Array {
  if (!arch.tile) return values;
  const view = frameView(rowShape);
  const { height: th, width: tw } = arch.tile;
  const { rows: gr, cols: gc } = tileGrid(view, arch.tile);
  const out = new Float32Array(rows * gr * gc * th * tw);
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const frame = r * view.height * view.width;
    for (let ty = 0; ty < gr; ty++) {
      for (let tx = 0; tx < gc; tx++) {
        for (let y = 0; y < th; y++) {
          const sy = Math.min(ty * th + y, view.height - 1);
          const line = frame + sy * view.width;
          for (let x = 0; x < tw; x++) out[o++] = values[line + Math.min(tx * tw + x, view.width - 1)];
        }
      }
    }
  }
  return out;
}

/** Rows from the model's samples: the inverse of rowsToSamples (the padding of edge tiles is dropped). */
export function samplesToRows(arch: Architecture, samples: Float32Array, rows: number, rowShape: number[]): Float32Array {
  if (!arch.tile) return samples;
  const view = frameView(rowShape);
  const { height: th, width: tw } = arch.tile;
  const { rows: gr, cols: gc } = tileGrid(view, arch.tile);
  const out = new Float32Array(rows * view.height * view.width);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    const frame = r * view.height * view.width;
    for (let ty = 0; ty < gr; ty++) {
      for (let tx = 0; tx < gc; tx++) {
        for (let y = 0; y < th; y++, i += tw) {
          const sy = ty * th + y;
          if (sy >= view.height) continue;
          const line = frame + sy * view.width + tx * tw;
          const n = Math.min(tw, view.width - tx * tw);
          out.set(samples.subarray(i, i + n), line);
        }
      }
    }
  }
  return out;
}
