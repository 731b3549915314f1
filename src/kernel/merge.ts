// merge(): the parts of a file compressed in parts (`compress --part I/N`) joined into one .baler without
// recoding: their chunks are copied in order (each checksum checked on the way) under one header whose error
// figures are merged from the parts' exact sums. Parts missing, repeated, from another input or made with other
// settings are refused; nothing is written then.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompressResult, Hooks } from './api';
import { BalerError, cancellationPoint } from './errors';
import { AtomicOutput } from './fsutil';
import { ContainerWriter } from './codec/container';
import { parseAttributes, type ArrayEntry, type DataHeader, type PartInfo } from './codec/header';
import { joinedTextColumns, textColumnsOf } from './data/text-columns';
import { checkLayout } from './codec/header-check';
import { fdSink, openFileAccess } from './codec/io';
import { ErrorAccumulator, type ErrorState } from './metrics';
import { openBaler, type OpenedBaler } from './decompress';
import { inspect } from './inspect';

const PART_FILE = /\.part-\d+-of-\d+\.baler$/;

/** The part files named by the arguments: files as given, folders by their `*.part-I-of-N.baler` files. */
export function partFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    if (fs.existsSync(a) && fs.statSync(a).isDirectory()) {
      files.push(...fs.readdirSync(a).filter((n) => PART_FILE.test(n)).sort().map((n) => path.join(a, n)));
    } else {
      files.push(a);
    }
  }
  if (files.length === 0) throw new BalerError(`no part files (*.part-I-of-N.baler) in ${args.join(', ')}`);
  return files;
}

export async function merge(args: string[], output: string, opts: { force?: boolean } = {}, hooks?: Hooks): Promise<CompressResult> {
  const files = partFiles(args);
  const opened = files.map((f) => openBaler(f));
  try {
    const parts = orderedParts(opened);
    const out = new AtomicOutput(output, { overwrite: opts.force });
    try {
      const writer = new ContainerWriter(fdSink(out.fd, output));
      const first = parts[0].header;
      for (let k = 0; k < first.arrays.length; k++) {
        for (const p of parts) {
          await cancellationPoint(hooks?.signal);
          hooks?.onProgress?.({ phase: 'write', message: `merging ${path.basename(p.file)}` });
          for (const s of p.index.sections.filter((x) => x.name.startsWith(`${k}.`))) {
            for (const c of s.chunks) writer.addStoredChunk(s.name, p.access.read(c.offset, c.storedBytes), c.rawBytes, c.crc32, s.coding, s.shuffle, p.file);
          }
        }
      }
      const header: DataHeader = { kind: 'data', createdBy: first.createdBy, source: first.source, arrays: first.arrays.map((a, k) => mergedArray(a, parts, k)) };
      const index = writer.finish(header);
      const check = openFileAccess(out.tmp);
      try {
        checkLayout(header, { ...index, totalBytes: check.size }, output);
      } finally {
        check.close();
      }
      out.commit();
    } catch (err) {
      out.abort();
      throw err;
    }
  } finally {
    for (const o of opened) o.close();
  }
  return { output, info: await inspect(output, { check: false }) };
}

export type PartFile = OpenedBaler & { header: DataHeader & { part: PartInfo } };

/**
 * The parts in order, after checking that they are exactly parts 0..N-1 of one input coded with one setting, each
 * starting where the last ended and on a slab boundary (the merged file's slabs are the parts' chunks in order).
 */
export function orderedParts(opened: OpenedBaler[]): PartFile[] {
  for (const o of opened) if (!o.header.part) throw new BalerError('not a part of a file compressed in parts (--part I/N)', o.file, 'EMERGE');
  const parts = opened as PartFile[];
  const [ref] = parts;
  const byIndex = new Map<number, PartFile>();
  for (const p of parts) {
    const { part } = p.header;
    if (part.inputId !== ref.header.part.inputId) {
      throw new BalerError(`comes from another input or other settings than ${path.basename(ref.file)}`, p.file, 'EMERGE');
    }
    if (part.count !== ref.header.part.count) throw new BalerError(`is part of ${part.count}, ${path.basename(ref.file)} of ${ref.header.part.count}`, p.file, 'EMERGE');
    const twin = byIndex.get(part.index);
    if (twin) throw new BalerError(`part ${part.index} appears twice (also ${path.basename(twin.file)})`, p.file, 'EMERGE');
    byIndex.set(part.index, p);
  }
  const missing = Array.from({ length: ref.header.part.count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) {
    // Named by the folder of the parts given, not by one part that is there.
    const given = [...byIndex.keys()].sort((a, b) => a - b).join(', ');
    throw new BalerError(`part${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${ref.header.part.count} missing (given: ${given})`, path.dirname(ref.file), 'EMERGE');
  }
  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
  ref.header.arrays.forEach((a, k) => {
    let next = 0;
    for (const p of ordered) {
      const b = p.header.arrays[k];
      const info = p.header.part.arrays[k];
      if (!b || !sameCoding(a, b)) throw new BalerError(`array ${k} is coded differently than in ${path.basename(ref.file)}`, p.file, 'EMERGE');
      const columns = (e: ErrorState) => e.columns?.count.length ?? 0;
      if (columns(info.errors) !== columns(ref.header.part.arrays[k].errors)) {
        throw new BalerError(`carries error sums of ${columns(info.errors)} columns for ${a.path || 'the array'}, ${path.basename(ref.file)} of ${columns(ref.header.part.arrays[k].errors)} (parts of two versions of this program?)`, p.file, 'EMERGE');
      }
      if (info.firstRow !== next) throw new BalerError(`starts at row ${info.firstRow} of ${a.path || 'the array'}, ${next} expected`, p.file, 'EMERGE');
      if (next % a.slabRows !== 0) throw new BalerError(`starts at row ${next} of ${a.path || 'the array'}, inside a slab of ${a.slabRows} rows (parts this program writes start on one)`, p.file, 'EMERGE');
      next += b.shape[0];
    }
    const total = ref.header.part.arrays[k].totalRows;
    if (next !== total) throw new BalerError(`the parts hold ${next} rows of ${a.path || 'the array'}, ${total} expected`, ref.file, 'EMERGE');
  });
  return ordered;
}

function sameCoding(a: ArrayEntry, b: ArrayEntry): boolean {
  const shape = (e: ArrayEntry) => e.shape.slice(1).join();
  // A last part of fewer rows than a slab is one slab of them (a header's slab is never longer than its array).
  const sameSlabs = a.slabRows === b.slabRows || (b.shape[0] < a.slabRows && b.slabRows === b.shape[0]);
  return a.path === b.path && a.kind === b.kind && a.dtype === b.dtype && a.names.join('\0') === b.names.join('\0') && shape(a) === shape(b)
    && sameSlabs && JSON.stringify(a.codec) === JSON.stringify(b.codec);
}

function mergedArray(a: ArrayEntry, parts: PartFile[], k: number): ArrayEntry {
  // A table's parts carry each column's sums (every part of one array alike, as checked above).
  const acc = new ErrorAccumulator(parts[0].header.part.arrays[k].errors.columns?.count.length ?? 1);
  for (const p of parts) acc.merge(p.header.part.arrays[k].errors);
  const { rmse, nrmse, psnr, maxAbsError, maxRelError, range, worstColumn } = acc.result();
  const rows = parts.reduce((n, p) => n + p.header.arrays[k].shape[0], 0);
  return {
    ...a, shape: [rows, ...a.shape.slice(1)], attributes: joinedAttributes(a, parts, k),
    errors: { rmse, nrmse, psnr, maxAbsError, maxRelError, range, ...(worstColumn ? { worstColumn } : {}) },
  };
}

/** The array's attributes, with the text columns of every part joined (the first part's as they are otherwise). */
function joinedAttributes(a: ArrayEntry, parts: PartFile[], k: number): string {
  if (textColumnsOf(parseAttributes(a.attributes), a.shape[0], parts[0].file).length === 0) return a.attributes;
  const each = parts.map((p) => ({ attributes: parseAttributes(p.header.arrays[k].attributes), rows: p.header.arrays[k].shape[0], file: p.file }));
  return JSON.stringify(joinedTextColumns(each));
}
