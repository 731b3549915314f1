// The cross-column model of a table: rows are independent events or measurements, so the classical
// predictors (down each column) have nothing to exploit; the columns of one row do (momenta from energy and
// angles, fractions that sum to one, a count that sums others, a quantity that grows with another). Columns
// are coded one after the other, each against a prediction from the already decoded columns of the same row:
// none, a linear map, a sparse second-order map (poly.ts) or a small network (mlp.ts), whichever codes the
// column smallest on the sample.
//
// Inputs are standardised ((x − centre) / scale, non-finite → 0); integer columns get rounded predictions
// (the coder's integer path keeps them exact). Weights are float32 (linear) or float16 (network) values
// computed with in float64 in a fixed order: every machine predicts the same bits.
import { ByteReader, ByteWriter } from '../codec/bytes';
import { decodeEbSlab, encodeEbSlab, type EbGlobals } from '../compress/eb-slab';
import { BalerError } from '../errors';
import { forwardMlp, readMlp, writeMlp, type Mlp } from './mlp';
import { polyForward, readPoly, writePoly, type PolyPredictor } from './poly';
import { release, slabValues } from '../parallel/slab-buffers';

export type ColumnPredictor =
  | { kind: 'none' }
  | { kind: 'linear'; weights: Float32Array /* inputs…, bias */ }
  | { kind: 'mlp'; net: Mlp }
  | { kind: 'poly'; poly: PolyPredictor };

export interface ColumnsModel {
  family: 'columns';
  columns: number;
  /** Columns in coding order; each is predicted from the ones before it in this order. */
  order: number[];
  centre: Float64Array;
  scale: Float64Array;
  integer: boolean[];
  /** Indexed by column (not by position in the order). */
  predictors: ColumnPredictor[];
  /** The coder's configuration each column chose when the model was fitted (the encoder reuses it instead
   *  of searching again; not stored: every slab says its own configuration). Indexed by column. */
  configurations?: (string | undefined)[];
}

/** Widest table this family handles (weights grow with the square of the width). */
export const MAX_COLUMNS = 64;
const PREDICTOR_KINDS = ['none', 'linear', 'mlp', 'poly'] as const;

// ---------------------------------------------------------------------------------------------------------
// Prediction

/** Standardised inputs: for each row, the decoded values of `inputs` columns (row-major rows × inputs.length). */
export function standardisedInputs(m: ColumnsModel, decoded: Float64Array[], inputs: number[], rows: number): Float64Array {
  const n = inputs.length;
  const out = new Float64Array(rows * n);
  inputs.forEach((c, i) => {
    const col = decoded[c];
    const centre = m.centre[c];
    const scale = m.scale[c];
    for (let r = 0; r < rows; r++) {
      const u = (col[r] - centre) / scale;
      out[r * n + i] = u - u === 0 ? u : 0;
    }
  });
  return out;
}

/** The prediction of column `c` (undefined: coded without one) from the decoded columns before it in the order. */
export function predictColumn(m: ColumnsModel, c: number, decoded: Float64Array[], rows: number): Float64Array | undefined {
  const p = m.predictors[c];
  if (p.kind === 'none') return undefined;
  const inputs = m.order.slice(0, m.order.indexOf(c));
  const n = inputs.length;
  let y: Float64Array;
  if (p.kind === 'linear') y = linearForward(m, p.weights, decoded, inputs, rows);
  else {
    const u = standardisedInputs(m, decoded, inputs, rows);
    y = p.kind === 'mlp' ? forwardMlp(p.net, u, rows) : polyForward(p.poly, u, rows, n);
  }
  const centre = m.centre[c];
  const scale = m.scale[c];
  for (let r = 0; r < rows; r++) {
    let v = centre + scale * y[r];
    if (m.integer[c]) v = Math.round(v);
    y[r] = v - v === 0 ? v : centre;
  }
  return y;
}

/**
 * The linear map of the standardised inputs, each standardised as standardisedInputs does it, without holding them
 * (rows × inputs values): the same sums in the same order.
 */
function linearForward(m: ColumnsModel, w: Float32Array, decoded: Float64Array[], inputs: number[], rows: number): Float64Array {
  const n = inputs.length;
  const y = slabValues(rows);
  const bias = w[n];
  const columns = inputs.map((c) => decoded[c]);
  const centres = inputs.map((c) => m.centre[c]);
  const scales = inputs.map((c) => m.scale[c]);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const u = (columns[i][r] - centres[i]) / scales[i];
      s += (u - u === 0 ? u : 0) * w[i];
    }
    y[r] = s + bias;
  }
  return y;
}

// ---------------------------------------------------------------------------------------------------------
// Per slab: the columns coded one after the other

/** The globals of column c coded alone: its own absolute tolerance (the header's, which allows for the cast). */
export function columnGlobals(g: EbGlobals, c: number): EbGlobals {
  const tolerance = g.tolerances[g.tolerances.length === 1 ? 0 : c];
  return { ...g, kind: 'table', bound: { kind: 'abs', value: tolerance }, tolerances: [tolerance] };
}

/** Column c of a slab of rows × columns, in a buffer the caller gives back (release) once it is coded. */
export function columnOf(values: Float64Array, rows: number, columns: number, c: number): Float64Array {
  const out = slabValues(rows);
  for (let r = 0; r < rows; r++) out[r] = values[r * columns + c];
  return out;
}

/** Codes a slab of rows × columns; the body is varuint column count, then per column (in order) varuint length + bytes. */
export async function encodeColumnsSlab(m: ColumnsModel, values: Float64Array, rows: number, g: EbGlobals): Promise<{ body: Uint8Array; reconstruction: Float64Array; configurations: string[] }> {
  const decoded: Float64Array[] = new Array(m.columns);
  const configurations: string[] = new Array(m.columns);
  const w = new ByteWriter();
  w.varuint(m.columns);
  for (const c of m.order) {
    const prediction = predictColumn(m, c, decoded, rows);
    const configuration = m.configurations?.[c];
    const column = columnOf(values, rows, m.columns, c);
    const coded = await encodeEbSlab(column, [rows, 1], columnGlobals(g, c), { ...(prediction ? { prediction } : {}), ...(configuration ? { configuration } : {}) });
    release(column, prediction);
    w.varuint(coded.bytes.length);
    w.bytes(coded.bytes);
    decoded[c] = coded.reconstruction;
    configurations[c] = coded.configuration;
  }
  const reconstruction = interleave(decoded, rows);
  release(...decoded);
  return { body: w.finish(), reconstruction, configurations };
}

export async function decodeColumnsSlab(m: ColumnsModel, body: Uint8Array, rows: number, g: EbGlobals, file?: string): Promise<Float64Array> {
  const r = new ByteReader(body, file, 'column slab');
  const columns = r.varuint('column count');
  if (columns !== m.columns) r.fail(`${columns} columns for a model of ${m.columns}`);
  const decoded: Float64Array[] = new Array(m.columns);
  for (const c of m.order) {
    const bytes = r.take(r.varuint('column length', r.remaining), 'column');
    const prediction = predictColumn(m, c, decoded, rows);
    decoded[c] = await decodeEbSlab(bytes, [rows, 1], columnGlobals(g, c), prediction, file);
    release(prediction);
  }
  r.end();
  const values = interleave(decoded, rows);
  release(...decoded);
  return values;
}

/** The columns as one slab of rows × columns (every value written: a reused buffer). */
function interleave(columns: Float64Array[], rows: number): Float64Array {
  const n = columns.length;
  const out = slabValues(rows * n);
  for (let c = 0; c < n; c++) {
    const col = columns[c];
    for (let r = 0; r < rows; r++) out[r * n + c] = col[r];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Serialisation (inside the predictor blob, see blob.ts)

export function writeColumns(w: ByteWriter, m: ColumnsModel): void {
  w.varuint(m.columns);
  for (const c of m.order) w.varuint(c);
  for (let c = 0; c < m.columns; c++) {
    w.f64(m.centre[c]);
    w.f64(m.scale[c]);
    w.bool(m.integer[c]);
    const p = m.predictors[c];
    w.u8(PREDICTOR_KINDS.indexOf(p.kind));
    if (p.kind === 'linear') for (const v of p.weights) w.f32(v);
    else if (p.kind === 'mlp') writeMlp(w, p.net);
    else if (p.kind === 'poly') writePoly(w, p.poly);
  }
}

export function readColumns(r: ByteReader, rowShape: number[]): ColumnsModel {
  const columns = r.varuint('column count', MAX_COLUMNS);
  if (rowShape.length !== 1 || rowShape[0] !== columns) r.fail(`a model of ${columns} columns for rows of shape [${rowShape.join(', ')}]`);
  const order = Array.from({ length: columns }, () => r.varuint('column order', columns - 1));
  if (new Set(order).size !== columns) r.fail('the column order repeats a column');
  const centre = new Float64Array(columns);
  const scale = new Float64Array(columns);
  const integer: boolean[] = [];
  const predictors: ColumnPredictor[] = [];
  for (let c = 0; c < columns; c++) {
    centre[c] = r.f64('column centre');
    scale[c] = r.f64('column scale');
    if (!(Number.isFinite(centre[c]) && scale[c] > 0 && Number.isFinite(scale[c]))) r.fail(`bad standardisation of column ${c}`);
    integer.push(r.bool('integer flag'));
    const kind = r.choice('column predictor', PREDICTOR_KINDS);
    const inputs = order.indexOf(c);
    if (kind !== 'none' && inputs === 0) r.fail(`column ${c} is first in the order but has a predictor`);
    if (kind === 'none') predictors.push({ kind });
    else if (kind === 'linear') {
      const weights = Float32Array.from({ length: inputs + 1 }, () => r.f32('linear weight'));
      if (!weights.every(Number.isFinite)) r.fail(`a weight of column ${c} is not finite`);
      predictors.push({ kind, weights });
    } else if (kind === 'poly') predictors.push({ kind, poly: readPoly(r, inputs) });
    else predictors.push({ kind, net: readMlp(r, inputs) });
  }
  return { family: 'columns', columns, order, centre, scale, integer, predictors };
}

export function describeColumns(m: ColumnsModel): string {
  const count = (kind: ColumnPredictor['kind']) => m.predictors.filter((p) => p.kind === kind).length;
  const parts = [`${count('linear')} linear`, `${count('poly')} second-order`, `${count('mlp')} network`].filter((s) => !s.startsWith('0 '));
  return `cross-column model of ${m.columns} columns (${parts.join(', ') || 'no predictors'})`;
}

export function assertColumnsFit(m: ColumnsModel, columns: number, file?: string): void {
  if (m.columns !== columns) throw new BalerError(`the model predicts ${m.columns} columns, this table has ${columns}`, file, 'EMODEL');
}
