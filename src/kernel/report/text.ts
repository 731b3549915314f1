// Text that came from a file (column names, the header's strings, file names) on its way to a terminal or
// a web page: control characters would move the cursor or recolour a terminal (ESC sequences), bidi controls
// would reorder what a reader sees. Every view passes such strings through sanitizeText; HTML gets escapeHtml.

/** C0 and C1 controls, DEL, and the Unicode bidi/line controls. Tab and newline are not allowed either. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Longest string shown as is; longer ones are cut with "…" (a name is no place for a megabyte). */
export const MAX_SHOWN_LENGTH = 200;

/** Replaces unsafe characters by visible escapes (\x1b, \u202e) and shortens very long strings. */
export function sanitizeText(value: unknown, maxLength = MAX_SHOWN_LENGTH): string {
  const text = typeof value === 'string' ? value : String(value);
  const clean = text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** True when the text holds nothing sanitizeText would replace. */
export function isSafeText(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return !UNSAFE.test(text);
}

/** JSON for a terminal: JSON.stringify escapes C0 controls, this also escapes C1 and bidi controls. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Plotly renders a subset of HTML in titles and labels: names from the data are shown literally. */
export function plotlyText(s: string): string {
  return sanitizeText(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
