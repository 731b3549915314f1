// A minimal netCDF-3 classic writer for the tests (the product writes netCDF-4 only): fixed-size dimensions and
// variables, numeric and text attributes, big-endian as the format requires (the CDF-1 layout of
// https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html).
import * as fs from 'node:fs';

export type Nc3Type = 'byte' | 'short' | 'int' | 'float' | 'double';
export type Nc3Attribute = string | { type: Nc3Type; values: number[] };
export interface Nc3Variable { name: string; dimensions: string[]; type: Nc3Type; values: ArrayLike<number>; attributes?: Record<string, Nc3Attribute> }

const TYPE_CODE: Record<Nc3Type, number> = { byte: 1, short: 3, int: 4, float: 5, double: 6 };
const TYPE_SIZE: Record<Nc3Type, number> = { byte: 1, short: 2, int: 4, float: 4, double: 8 };
const NC_DIMENSION = 10, NC_VARIABLE = 11, NC_ATTRIBUTE = 12, NC_CHAR = 2;

class Bytes {
  readonly parts: number[] = [];
  u32(v: number): void { this.parts.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255); }
  pad(): void { while (this.parts.length % 4) this.parts.push(0); }
  name(s: string): void { const b = Buffer.from(s, 'utf8'); this.u32(b.length); this.parts.push(...b); this.pad(); }
  values(type: Nc3Type, values: ArrayLike<number>): void {
    const b = Buffer.alloc(values.length * TYPE_SIZE[type]);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (type === 'byte') b.writeInt8(v, i);
      else if (type === 'short') b.writeInt16BE(v, 2 * i);
      else if (type === 'int') b.writeInt32BE(v, 4 * i);
      else if (type === 'float') b.writeFloatBE(v, 4 * i);
      else b.writeDoubleBE(v, 8 * i);
    }
    this.parts.push(...b);
    this.pad();
  }
  attributes(attrs: Record<string, Nc3Attribute>): void {
    const entries = Object.entries(attrs);
    if (entries.length === 0) { this.u32(0); this.u32(0); return; }
    this.u32(NC_ATTRIBUTE); this.u32(entries.length);
    for (const [name, a] of entries) {
      this.name(name);
      if (typeof a === 'string') { this.u32(NC_CHAR); this.name(a); continue; }
      this.u32(TYPE_CODE[a.type]); this.u32(a.values.length); this.values(a.type, a.values);
    }
  }
}

/**
 * Writes a netCDF-3 (CDF-1) file with these dimensions and variables. `unlimited` names the record dimension
 * (its size in `dimensions` is the number of records): the variables along it are written record by record,
 * each row padded to 4 bytes unless it is the only record variable.
 */
export function writeNetcdf3(file: string, dimensions: Record<string, number>, variables: Nc3Variable[], globals: Record<string, Nc3Attribute> = {}, unlimited?: string): void {
  const dimNames = Object.keys(dimensions);
  const isRecord = (v: Nc3Variable) => unlimited !== undefined && v.dimensions[0] === unlimited;
  const records = unlimited === undefined ? 0 : dimensions[unlimited];
  const recordVariables = variables.filter(isRecord);
  const padded = (bytes: number) => (recordVariables.length === 1 ? bytes : Math.ceil(bytes / 4) * 4);
  const rowBytes = (v: Nc3Variable) => v.dimensions.slice(1).reduce((n, d) => n * dimensions[d], 1) * TYPE_SIZE[v.type];
  const vsize = (v: Nc3Variable) => (isRecord(v) ? Math.ceil(rowBytes(v) / 4) * 4 : Math.ceil((v.values.length * TYPE_SIZE[v.type]) / 4) * 4);
  const header = (begins: number[]): Bytes => {
    const h = new Bytes();
    h.parts.push(0x43, 0x44, 0x46, 1);
    h.u32(records);
    h.u32(NC_DIMENSION); h.u32(dimNames.length);
    for (const d of dimNames) { h.name(d); h.u32(d === unlimited ? 0 : dimensions[d]); }
    h.attributes(globals);
    h.u32(NC_VARIABLE); h.u32(variables.length);
    variables.forEach((v, i) => {
      h.name(v.name);
      h.u32(v.dimensions.length);
      for (const d of v.dimensions) h.u32(dimNames.indexOf(d));
      h.attributes(v.attributes ?? {});
      h.u32(TYPE_CODE[v.type]);
      h.u32(vsize(v));
      h.u32(begins[i]);
    });
    return h;
  };
  let offset = header(variables.map(() => 0)).parts.length;
  const fixed = variables.filter((v) => !isRecord(v));
  const begins = new Map<Nc3Variable, number>();
  for (const v of fixed) { begins.set(v, offset); offset += vsize(v); }
  for (const v of recordVariables) { begins.set(v, offset); offset += padded(rowBytes(v)); }
  const out = header(variables.map((v) => begins.get(v)!));
  for (const v of variables) {
    const expected = v.dimensions.reduce((n, d) => n * dimensions[d], 1);
    if (v.values.length !== expected) throw new Error(`writeNetcdf3: ${v.name} has ${v.values.length} values, its dimensions ${expected}`);
  }
  for (const v of fixed) out.values(v.type, v.values);
  for (let r = 0; r < records; r++) {
    for (const v of recordVariables) {
      const perRow = v.values.length / records;
      const row = Array.from({ length: perRow }, (_, k) => v.values[r * perRow + k]);
      const before = out.parts.length;
      out.values(v.type, row);
      if (recordVariables.length === 1) out.parts.length = before + rowBytes(v); // no padding for a single record variable
    }
  }
  fs.writeFileSync(file, Uint8Array.from(out.parts));
}
