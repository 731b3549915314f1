// A table's slab as its columns one after the other, each coded on its own: for each column, varuint length, then
// its bytes. eb-columns.ts codes each as an error-bounded slab, lossless-columns.ts each in its smallest exact coding.
import { ByteReader, ByteWriter } from '../codec/bytes';
import { release, slabValues } from '../parallel/slab-buffers';

/** The body of a slab of rows × columns, column c coded by `code` (its values in a buffer reused for the next). */
export async function encodeByColumns(values: Float64Array, shape: number[], code: (column: Float64Array, c: number) => Promise<Uint8Array>): Promise<Uint8Array> {
  const [rows, columns] = shape;
  const w = new ByteWriter();
  const column = slabValues(rows);
  try {
    for (let c = 0; c < columns; c++) {
      for (let r = 0; r < rows; r++) column[r] = values[r * columns + c];
      const bytes = await code(column, c);
      w.varuint(bytes.length);
      w.bytes(bytes);
    }
  } finally {
    release(column);
  }
  return w.finish();
}

/**
 * The slab's values from such a body, each column's bytes decoded by `decode`; `pooled` says the column it gives is
 * a slab buffer to give back (slab-buffers.ts).
 */
export async function decodeByColumns(
  body: Uint8Array, shape: number[], file: string | undefined, decode: (bytes: Uint8Array, reader: ByteReader) => Promise<{ column: Float64Array; pooled: boolean }>,
): Promise<Float64Array> {
  const [rows, columns] = shape;
  const r = new ByteReader(body, file, 'slab');
  if (shape.length !== 2 || columns < 1) r.fail('a slab coded by columns that is not a table');
  const out = slabValues(rows * columns);
  try {
    for (let c = 0; c < columns; c++) {
      const { column, pooled } = await decode(r.take(r.varuint('column length', r.remaining), 'column'), r);
      for (let i = 0; i < rows; i++) out[i * columns + c] = column[i];
      if (pooled) release(column);
    }
    r.end();
  } catch (err) {
    release(out);
    throw err;
  }
  return out;
}
