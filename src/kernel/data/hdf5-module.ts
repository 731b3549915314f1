// h5wasm loaded once for the HDF5 reader and writer, and the one-line reasons HDF5 gives in its diagnostics log.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ScalarVariable } from './scalars';
import type { StringVariable } from './strings';

export type H5 = typeof import('../vendor/h5wasm.mjs').h5wasm;
export type H5File = InstanceType<H5['File']>;
export type H5Dataset = InstanceType<H5['Dataset']>;

let loaded: Promise<{ h5: H5; diagnostics: string }> | undefined;

/** h5wasm, loaded once; HDF5's diagnostic stack goes to a log file (read back for one-line errors), not the terminal. */
export function h5wasm(): Promise<{ h5: H5; diagnostics: string }> {
  loaded ??= (async () => {
    const h5 = (await import('../vendor/h5wasm.mjs')).h5wasm;
    const module = await h5.ready;
    readNullStringsAsEmpty(module as unknown as StringReaders);
    const diagnostics = path.join(os.tmpdir(), `baler-hdf5-diagnostics-${process.pid}.log`);
    const fsm = (module as unknown as { FS: { streams: unknown[]; close(s: unknown): void; open(p: string, m: string): { fd: number } } }).FS;
    fsm.close(fsm.streams[2]);
    fsm.open(diagnostics, 'w');
    process.once('exit', () => fs.rmSync(diagnostics, { force: true }));
    return { h5, diagnostics };
  })();
  return loaded;
}

type StringReaders = { UTF8ToString(ptr: number, ...rest: unknown[]): string; AsciiToString(ptr: number): string };

/**
 * A variable-length string HDF5 left unset (a null pointer: h5py's DIMENSION_LABELS of an unlabelled axis) read
 * as '', as h5py reads it: h5wasm reads it from address 0, where Emscripten keeps the bytes 'emsc'.
 */
function readNullStringsAsEmpty(module: StringReaders): void {
  const utf8 = module.UTF8ToString.bind(module);
  const ascii = module.AsciiToString.bind(module);
  module.UTF8ToString = (ptr, ...rest) => (ptr === 0 ? '' : utf8(ptr, ...rest));
  module.AsciiToString = (ptr) => (ptr === 0 ? '' : ascii(ptr));
}

/** The last reason HDF5 gave since `from` bytes of its diagnostics log. */
export function lastDiagnostic(diagnostics: string, from: number): string | undefined {
  try {
    const text = fs.readFileSync(diagnostics, 'utf8').slice(from);
    const reasons = [...text.matchAll(/ in \w+\(\): (.+)$/gm)].map((m) => m[1].trim());
    return reasons.at(-1);
  } catch {
    return undefined;
  }
}

export function logSize(diagnostics: string): number {
  try { return fs.statSync(diagnostics).size; } catch { return 0; }
}

/** What the reader keeps for the writer beside the arrays: the file's scalar and string variables. */
export interface Carried {
  scalars: Record<string, ScalarVariable>;
  strings: Record<string, StringVariable>;
}

/** A group's attributes and their HDF5 types, as read and written back. */
export interface GroupAttributes {
  attrs: Record<string, unknown>;
  attrTypes: Record<string, string>;
}
