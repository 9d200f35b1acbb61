/** Decimal megabytes, as `docker images` shows them (1 MB = 10^6 bytes). */
export function formatMB(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 100 ? mb.toFixed(0) : mb >= 10 ? mb.toFixed(1) : mb.toFixed(2)} MB`;
}

/** "12.3×" — how many times `reference` is larger than `value`. */
export function formatRatio(reference: number, value: number): string {
  if (value <= 0) return '–';
  const ratio = reference / value;
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

export function formatDuration(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A figure as a table shows it: MB for bytes; for times, ms below a second
 * and s from one (`5.72 s`, not `5718.8 ms`), so a column of pulls that
 * spans both reads in one unit from a second up.
 */
export const formatFigure = (v: number, unit: 'bytes' | 'ms'): string =>
  unit === 'bytes' ? formatMB(v) : v >= 1_000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
