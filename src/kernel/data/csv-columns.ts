// Which columns of a CSV table hold numbers and which hold text, each decided by its first value that is not
// missing (an empty cell or NA does not make a column of numbers: 'NA' may be Namibia, and a label column may
// start empty). Text is collected on the way, as written (spaces kept), while it fits beside the numbers; when it
// does not, the largest column of text is left out, not every one.
import { parseCsvNumber } from './csv';
import { jsonBytesOf, MAX_KEPT_STRING_BYTES } from './strings';
import type { TextColumn } from './text-columns';

type Kind = 'number' | 'text' | 'undecided';

/** What a field says of its column: a number, text, or nothing yet (a missing value). */
function kindOf(field: string): Kind {
  const value = parseCsvNumber(field);
  if (value === undefined) return 'text';
  if (Number.isNaN(value)) return 'undecided';
  // Integers float64 cannot hold (identifiers of 19 digits) are kept as their digits.
  if (!Number.isSafeInteger(value) && /^[+-]?\d+$/.test(field.trim())) return 'text';
  return 'number';
}

interface Column {
  name: string;
  kind: Kind;
  /** Line of the value that decided it. */
  decidedAt?: number;
  /** The values so far, while the column may be text and is kept; undefined once not collected. */
  values?: string[];
  bytes: number;
  /** Text that did not fit beside the numbers. */
  leftOut: boolean;
}

export interface SortedColumns {
  /** The chosen columns (by their index in `chosen`) that hold numbers, in order. */
  numbers: number[];
  /** Where the column of numbers k was decided to be one (for messages), by k. */
  decidedAt: (number | undefined)[];
  /** The columns of text kept, placed among the chosen columns. */
  text: TextColumn[];
  /** Names of the columns of text left out (beyond what a .baler keeps beside the numbers). */
  leftOut: string[];
}

export class CsvColumnSorter {
  private readonly columns: Column[];
  private collected = 0;

  constructor(names: string[]) {
    this.columns = names.map((name) => ({ name, kind: 'undecided', values: [], bytes: 0, leftOut: false }));
  }

  /** Whether the next record's fields are needed: a column is undecided, or text is being kept. */
  get wantsFields(): boolean {
    return this.columns.some((c) => c.kind === 'undecided' || c.values !== undefined);
  }

  /** One record's chosen fields, as written (unquoted spaces kept), from line `line`. */
  add(fields: string[], line: number): void {
    this.columns.forEach((c, k) => {
      const field = fields[k];
      if (c.kind === 'undecided') {
        const kind = kindOf(field);
        if (kind !== 'undecided') {
          c.kind = kind;
          c.decidedAt = line;
          if (kind === 'number') this.stopCollecting(c);
        }
      }
      if (c.values !== undefined) {
        const bytes = jsonBytesOf(field);
        c.values.push(field);
        c.bytes += bytes;
        this.collected += bytes;
      }
    });
    while (this.collected > MAX_KEPT_STRING_BYTES) this.leaveOutLargest();
  }

  finish(): SortedColumns {
    const numbers: number[] = [];
    const decidedAt: (number | undefined)[] = [];
    const text: TextColumn[] = [];
    const leftOut: string[] = [];
    this.columns.forEach((c, k) => {
      if (c.kind !== 'text') {
        numbers.push(k); // a column with no value but missing ones is one of numbers: all NaN
        decidedAt.push(c.decidedAt);
      } else if (c.leftOut) leftOut.push(c.name);
      else text.push({ name: c.name, position: k, values: c.values! });
    });
    return { numbers, decidedAt, text, leftOut };
  }

  private stopCollecting(c: Column): void {
    this.collected -= c.bytes;
    c.values = undefined;
    c.bytes = 0;
  }

  /** Stops keeping the collected column of the most bytes: if it turns out to be text, it is left out. */
  private leaveOutLargest(): void {
    const largest = this.columns.reduce<Column | undefined>((best, c) => (c.values !== undefined && (!best || c.bytes > best.bytes) ? c : best), undefined)!;
    this.stopCollecting(largest);
    largest.leftOut = true;
  }
}
