// Compressing a file in parts, for the batch engines sites already run (a Slurm job array, a Kubernetes
// Indexed Job): part I of N codes its share of every array's slabs, aligned to slab boundaries so that
// `merge` can join the parts by copying their chunks (merge.ts). Every part carries the same input id.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressOptions } from '../api';
import { BalerError } from '../errors';
import type { ArraySource, DataSource } from '../data/source';
import { chooseSlabRows } from '../memory';
import { textColumnsOfRows } from '../data/text-columns';
import { slabCount } from '../codec/header-check';
import { namesFolder } from './output';

export interface PartSpec {
  index: number;
  count: number;
}

/** `I/N` (0-based I, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count) → a PartSpec. */
export function parsePart(text: string): PartSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) throw new BalerError(`bad --part "${text}": expected I/N with 0 ≤ I < N (e.g. 3/8)`);
  return { index, count };
}

/** Where a part is written: inside DIR when -o names a folder (or ends with '/'), else the path given. */
export function partOutput(input: string, output: string | undefined, part: PartSpec): string {
  const width = String(part.count - 1).length;
  const name = `${path.parse(input).name}.part-${String(part.index).padStart(width, '0')}-of-${part.count}.baler`;
  if (output === undefined) return path.join(path.dirname(input), name);
  return namesFolder(output) ? path.join(output, name) : output;
}

export interface PartPlan {
  /** The source restricted to this part's rows of every array. */
  source: DataSource;
  arrays: { firstRow: number; totalRows: number }[];
  inputId: string;
}

/** This part's rows of every array: slabs [⌊I·S/N⌋, ⌊(I+1)·S/N⌋) of the S slabs the whole array has. */
export function planPart(source: DataSource, part: PartSpec, memoryBudget: number, opts: CompressOptions): PartPlan {
  const arrays = source.arrays.map((s) => {
    const slabRows = chooseSlabRows(s, memoryBudget, source.file);
    const slabs = slabCount({ shape: s.shape, slabRows });
    if (part.count > slabs) {
      const others = source.arrays.length > 1 ? `, or code one array of the file with --dataset` : '';
      throw new BalerError(`--part ${part.index}/${part.count}: ${s.path || 'the array'} has only ${slabs} slab${slabs === 1 ? '' : 's'} of ${slabRows} rows; use at most ${slabs} part${slabs === 1 ? '' : 's'} (or a smaller --memory${others})`, source.file);
    }
    const first = Math.floor((part.index * slabs) / part.count) * slabRows;
    const end = Math.min(s.shape[0], Math.floor(((part.index + 1) * slabs) / part.count) * slabRows);
    return { firstRow: first, rows: end - first, totalRows: s.shape[0], slabRows };
  });
  return {
    source: { ...source, arrays: source.arrays.map((s, k) => rowsOf(s, arrays[k].firstRow, arrays[k].rows)) },
    arrays: arrays.map(({ firstRow, totalRows }) => ({ firstRow, totalRows })),
    inputId: inputId(source, opts, arrays.map((a) => a.slabRows)),
  };
}

function rowsOf(s: ArraySource, firstRow: number, rows: number): ArraySource {
  const unmasked = s.unmasked;
  return {
    ...s, shape: [rows, ...s.shape.slice(1)], readSlab: (start, count, buffers) => s.readSlab(firstRow + start, count, buffers),
    attributes: textColumnsOfRows(s.attributes, s.shape[0], firstRow, firstRow + rows),
    unmasked: unmasked && (() => rowsOf(unmasked(), firstRow, rows)),
  };
}

/** The identity of the input (name, size, its first and last 64 KiB) and of the settings that shape the coding. */
function inputId(source: DataSource, opts: CompressOptions, slabRows: number[]): string {
  const hash = createHash('sha256');
  const stat = fs.statSync(source.file);
  hash.update(JSON.stringify({ name: path.basename(source.file), size: stat.size, errorBound: opts.errorBound, predictors: opts.predictors, layout: opts.layout, kind: opts.kind, slabRows }));
  const fd = fs.openSync(source.file, 'r');
  try {
    const sample = Buffer.alloc(Math.min(65536, stat.size));
    fs.readSync(fd, sample, 0, sample.length, 0);
    hash.update(sample);
    fs.readSync(fd, sample, 0, sample.length, Math.max(0, stat.size - sample.length));
    hash.update(sample);
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
