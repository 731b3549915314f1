// The one set of number formatters every view uses (CLI, output channel, notifications, .baler viewer,
// dashboard, notebook outputs, HTML report). Pure functions: no Node, no DOM, so webviews import them too.
// Scientists read 4e-5, not SI suffixes like "40μ": small and large numbers are written in e-notation.

/** 4 significant digits; e-notation below 1e-3 and from 1e5 up (trailing zeros trimmed: 4e-5, 1.25e+6). */
export function formatNumber(x: number | null | undefined): string {
  if (x === undefined || x === null) return '—';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return trimExponential(x.toExponential(3));
  return Number(x.toPrecision(4)).toString();
}

function trimExponential(text: string): string {
  const [mantissa, exponent] = text.split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return `${trimmed}e${exponent}`;
}

/** Decimal units (kB = 1000 B), as file managers and the charts show them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes, u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return u === 0 ? `${v} B` : `${v.toPrecision(3)} ${units[u]}`;
}

/** How `size` compares with `other`: "2.10× smaller" or "1.30× larger" (the larger over the smaller, never below 1×). */
export function relativeSize(size: number, other: number): string {
  if (size === other) return 'the same size';
  return size < other ? `${(other / size).toFixed(2)}× smaller` : `${(size / other).toFixed(2)}× larger`;
}

/** "12.3 kB (12,345 B)": the rounded size and the exact count. */
export function formatBytesExact(bytes: number): string {
  return Math.abs(bytes) < 1000 ? formatBytes(bytes) : `${formatBytes(bytes)} (${formatCount(bytes)} B)`;
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-US') : String(n);
}

export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return '∞ %';
  return p >= 10 ? `${p.toFixed(1)}%` : p >= 0.1 ? `${p.toFixed(2)}%` : `${p.toPrecision(2)}%`;
}

/** A compression ratio: 3 significant digits, at least 2 for large ones (1.93×, 32.5×, 417×). */
export function formatRatio(r: number): string {
  if (Number.isNaN(r)) return '—';
  if (!Number.isFinite(r)) return '∞×';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** PSNR: infinite means the values came back exactly. */
export function formatDb(x: number): string {
  if (Number.isFinite(x)) return `${x.toFixed(1)} dB`;
  return x > 0 ? '∞ dB (exact)' : formatNumber(x);
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Plotly's d3 number format for axes and colour bars: 3 significant digits, e-notation, never SI (μ, k). */
export const PLOT_NUMBER_FORMAT = '.3~g';
