// Numbers read from text (a CSV file) written back as text with as few decimals as their bound allows, not with
// the 17 significant digits that keep a float64 exact (0.01 coded within 0.1 came back as 0.009999980492683715,
// and the file grew by a quarter). The coder leaves a little of each column's tolerance for it (textRoundoff: at
// most 1/128 of it, about 0.01 bits a value), and the header says how many decimals fit in what was left
// (attributes.csv.decimals), so that the value as written, the text, is within the bound too.

/** The share of a tolerance that rounding to decimals may take. */
const TEXT_ROOM = 1 / 128;
/** toFixed's limit. */
const MAX_DECIMALS = 100;
/** Above the rounding of 0.5·10^−k itself and of the float64 arithmetic that checks it. */
const SAFETY = 1 + 2 ** -30;

/** The largest error of writing a value with k decimals. */
function roundoffOf(decimals: number): number {
  return 0.5 * 10 ** -decimals * SAFETY;
}

/** The fewest decimals (0…100) whose rounding stays within `room`; undefined when none does. */
export function decimalsWithin(room: number): number | undefined {
  if (!(room > 0)) return undefined;
  const k = Math.max(0, Math.ceil(-Math.log10(room / (0.5 * SAFETY))));
  for (let d = Math.max(0, k - 1); d <= Math.min(k + 1, MAX_DECIMALS); d++) if (roundoffOf(d) <= room) return d;
  return undefined;
}

/** What a tolerance leaves for writing its values as text with decimalsWithin(its share): 0 when nothing fits. */
export function textRoundoff(tolerance: number): number {
  const decimals = decimalsWithin(tolerance * TEXT_ROOM);
  return decimals === undefined ? 0 : roundoffOf(decimals);
}

/** Whether an array was read from text (a CSV table: attributes.csv), so that its tolerances leave room for decimals. */
export function readFromText(attributes: Record<string, unknown> | undefined): boolean {
  return attributes?.csv !== undefined;
}

/**
 * A column's decimals, from the tolerance the bound gives it and the one it was coded with: the fewest decimals
 * whose rounding fits in the difference (null: none, the value is written exactly).
 */
export function decimalsOfColumns(bounds: number[], coded: number[]): (number | null)[] {
  return bounds.map((t, c) => decimalsWithin(t - coded[c]) ?? null);
}

/** Whether a header's csv.decimals entry is a count of decimals this writer can use (else: written exactly). */
export function isDecimals(d: unknown): d is number {
  return Number.isInteger(d) && (d as number) >= 0 && (d as number) <= MAX_DECIMALS;
}

/**
 * `value` with at most `decimals` decimals (trailing zeros dropped), when that is shorter than `exact`, its exact
 * text; the rounding is checked, and `exact` is returned where it is not within the decimals' roundoff.
 */
export function withinDecimals(value: number, decimals: number, exact: string): string {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21 || Object.is(value, -0)) return exact;
  let text = value.toFixed(decimals);
  if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  if (text === '-0' && !Object.is(value, -0)) text = '0';
  if (text.length >= exact.length || !(Math.abs(Number(text) - value) <= roundoffOf(decimals) / SAFETY)) return exact;
  return text;
}
