import { stringify } from 'csv-stringify/sync';
import { variantRows } from '../metrics/cells.js';
import type { CsvCells } from '../metrics/metric.js';
import { metricList } from '../metrics/registry.js';
import type { RunResult } from '../metrics/run-result.js';

/** Columns every row has, first. */
const HEAD = ['run_id', 'variant', 'state', 'metric', 'scenario', 'bases_profile'];
/** The columns of a timed figure, which every repeated metric's rows share. */
const TIMING = ['samples', 'mean_ms', 'p50_ms', 'p95_ms', 'sd_ms', 'rme_pct', 'outliers'];

/**
 * Where results.csv's columns stood when schema version 1 published them
 * (results/README.md): scripts that read by position and nightly diffs keep
 * working. A column a metric adds later goes after these, before `error`.
 */
const PUBLISHED_ORDER = [
  ...HEAD,
  'image_size_bytes',
  'layer_count',
  'compressed_bytes',
  'binary_size_bytes',
  'binary_linkage',
  'build_duration_ms',
  ...TIMING,
  'transfer_p50_ms',
  'bound_ms',
  'rss_p50_bytes',
  'cache_p50_bytes',
  'peak_p50_bytes',
  'cached_steps',
  'module_layer_cached',
];

/** results.csv's columns: the shared ones and each metric's. Units are in the names. */
export function csvColumns(): string[] {
  const declared = [...TIMING, ...metricList().flatMap((m) => m.csv?.columns ?? [])];
  const published = PUBLISHED_ORDER.filter((c) => HEAD.includes(c) || declared.includes(c));
  const added = [...new Set(declared)].filter((c) => !PUBLISHED_ORDER.includes(c));
  return [...published, ...added, 'error'];
}

/** One row per variant × metric × scenario; empty cells are figures a row does not have. */
export function toCsv(run: RunResult): string {
  const rows: CsvCells[] = [];
  for (const row of variantRows(run)) {
    const base: CsvCells = {
      run_id: run.runId,
      variant: row.variant.name,
      state: row.variant.state,
      bases_profile: run.bases.profile,
    };
    for (const m of metricList()) {
      for (const { scenario, cells } of m.csv?.rows(row) ?? []) {
        rows.push({ ...base, metric: m.name, scenario, ...cells });
      }
    }
  }
  return stringify(rows, { header: true, columns: csvColumns() });
}
