// FITS headers: 2880-byte blocks of 80-character cards (KEYWORD = value / comment), ended by END. Parsed for the
// keywords the reader needs; every card is kept as text (trailing spaces trimmed) so that the writer puts it back.
import { BalerError } from '../errors';
import { checkBudget } from './budget';
import { readAt, type InputFile } from './files';

export const BLOCK = 2880;
export const CARD = 80;

/** One HDU's header: its cards as text, the values of its keywords, and where it ends. */
export interface FitsHeader {
  /** Cards in order, END excluded, each trimmed of trailing spaces. */
  cards: string[];
  /** Keyword → value (the first card of each keyword; COMMENT/HISTORY and cards without a value left out). */
  values: Map<string, string | number | boolean>;
  /** Offset of the first byte after the header (its data). */
  end: number;
}

/** The keyword of a card (columns 1–8, trimmed). */
export function keywordOf(card: string): string {
  return card.slice(0, 8).trimEnd();
}

/** The value of a card with '= ' in columns 9–10: a string, logical, integer or real; undefined otherwise. */
export function valueOf(card: string): string | number | boolean | undefined {
  if (card.slice(8, 10) !== '= ') return undefined;
  const rest = card.slice(10);
  const text = rest.trimStart();
  if (text.startsWith("'")) {
    let out = '';
    for (let i = 1; i < text.length; i++) {
      if (text[i] === "'") {
        if (text[i + 1] === "'") { out += "'"; i++; continue; }
        return out.trimEnd();
      }
      out += text[i];
    }
    return undefined; // an unclosed string
  }
  const token = text.split('/')[0].trim();
  if (token === 'T') return true;
  if (token === 'F') return false;
  if (/^[+-]?\d+$/.test(token)) return Number(token);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/.test(token)) return Number(token.replace(/[Dd]/, 'E'));
  return undefined;
}

/** Reads the header at `offset`: whole 2880-byte blocks up to the one that holds END. */
export function readHeader(input: InputFile, offset: number, budget: number, what: string): FitsHeader {
  const cards: string[] = [];
  const values = new Map<string, string | number | boolean>();
  let at = offset;
  for (;;) {
    if (at + BLOCK > input.size) {
      throw new BalerError(at === offset ? `truncated file: ${what} lies beyond the end of the file` : `${what} has no END card before the end of the file (truncated or not FITS)`, input.file);
    }
    // The header's text is held as cards: bounded by the budget, a file of endless header blocks is refused.
    checkBudget((at + BLOCK - offset) * 4, budget, `the header of ${what}`, input.file);
    const block = readAt(input, at, BLOCK, `the header of ${what}`);
    at += BLOCK;
    for (let c = 0; c < BLOCK; c += CARD) {
      let card = '';
      for (let i = c; i < c + CARD; i++) {
        const b = block[i];
        if (b < 0x20 || b > 0x7e) throw new BalerError(`${what}: byte ${at - BLOCK + i} of its header is not printable ASCII (not a FITS header, or damaged)`, input.file);
        card += String.fromCharCode(b);
      }
      const keyword = keywordOf(card);
      if (keyword === 'END') return { cards, values, end: at };
      card = card.trimEnd();
      cards.push(card);
      if (keyword === '' || keyword === 'COMMENT' || keyword === 'HISTORY' || values.has(keyword)) continue;
      const value = valueOf(card);
      if (value !== undefined) values.set(keyword, value);
    }
  }
}

/** A card `KEYWORD = value` in the fixed format (values right-aligned to column 30, strings from column 11). */
export function formatCard(keyword: string, value: string | number | boolean | bigint, comment?: string): string {
  let text: string;
  if (typeof value === 'string') text = `'${value.replace(/'/g, "''").padEnd(8)}'`.padEnd(20);
  else if (typeof value === 'boolean') text = (value ? 'T' : 'F').padStart(20);
  else text = String(value).padStart(20);
  const card = `${keyword.padEnd(8)}= ${text}${comment ? ` / ${comment}` : ''}`;
  return card.slice(0, CARD).trimEnd();
}

/** The header's cards as bytes: END after them, spaces to a whole number of blocks. */
export function headerBytes(cards: string[]): Uint8Array {
  const n = cards.length + 1;
  const size = Math.ceil((n * CARD) / BLOCK) * BLOCK;
  const out = new Uint8Array(size).fill(0x20);
  [...cards, 'END'].forEach((card, k) => {
    for (let i = 0; i < Math.min(card.length, CARD); i++) {
      const code = card.charCodeAt(i);
      out[k * CARD + i] = code >= 0x20 && code <= 0x7e ? code : 0x20;
    }
  });
  return out;
}
