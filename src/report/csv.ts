import { stringify } from 'csv-stringify/sync';
import { BUILD_SCENARIOS } from '../measure/build-scenarios.js';
import type { SampleStatistics } from '../measure/statistics.js';
import { figuresOf, type RunResult, type VariantFigures } from '../types.js';

/** Fixed column order; units are in the names. Empty cells are figures a row does not have. */
export const CSV_COLUMNS = [
  'run_id',
  'variant',
  'state',
  'metric',
  'scenario',
  'bases_profile',
  'image_size_bytes',
  'layer_count',
  'compressed_bytes',
  'binary_size_bytes',
  'binary_linkage',
  'build_duration_ms',
  'samples',
  'mean_ms',
  'p50_ms',
  'p95_ms',
  'sd_ms',
  'rme_pct',
  'outliers',
  'transfer_p50_ms',
  'bound_ms',
  'rss_p50_bytes',
  'cache_p50_bytes',
  'peak_p50_bytes',
  'cached_steps',
  'module_layer_cached',
  'error',
] as const;

type Row = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>;

function timeColumns(s: SampleStatistics): Row {
  return {
    samples: s.n,
    mean_ms: s.mean,
    p50_ms: s.p50,
    p95_ms: s.p95,
    sd_ms: s.sd,
    rme_pct: s.rme,
    outliers: s.outliers.length,
  };
}

/** Rows of the repeated metrics a variant has, one per scenario. */
function runtimeRows(f: Partial<VariantFigures>): Array<[string, string, Row]> {
  const rows: Array<[string, string, Row]> = [];
  if (f.builds) {
    for (const scenario of BUILD_SCENARIOS) {
      const b = f.builds[scenario];
      rows.push([
        'build',
        scenario,
        {
          ...timeColumns(b.durationMs),
          cached_steps: `${b.steps.filter((s) => s.cached).length}/${b.steps.length}`,
          ...(b.moduleLayerCached === undefined
            ? {}
            : { module_layer_cached: String(b.moduleLayerCached) }),
        },
      ]);
    }
  }
  if (f.pull) {
    for (const l of f.pull.links) {
      rows.push([
        'pull',
        l.link,
        {
          ...timeColumns(l.durationMs),
          compressed_bytes: f.pull.compressedBytes,
          transfer_p50_ms: l.transferMs.p50,
          ...(l.boundMs === undefined ? {} : { bound_ms: l.boundMs }),
        },
      ]);
    }
  }
  if (f.startup) {
    rows.push(['startup', 'start-to-ready', timeColumns(f.startup.startToReadyMs)]);
    rows.push(['startup', 'create-to-ready', timeColumns(f.startup.createToReadyMs)]);
  }
  if (f.memory) {
    const m = f.memory;
    rows.push([
      'memory',
      'idle',
      {
        samples: m.idleRssBytes.n,
        rss_p50_bytes: m.idleRssBytes.p50,
        cache_p50_bytes: m.idleCacheBytes.p50,
      },
    ]);
    rows.push([
      'memory',
      'after-load',
      {
        samples: m.loadRssBytes.n,
        rss_p50_bytes: m.loadRssBytes.p50,
        cache_p50_bytes: m.loadCacheBytes.p50,
        ...(m.peakBytes ? { peak_p50_bytes: m.peakBytes.p50 } : {}),
      },
    ]);
  }
  return rows;
}

/** One row per variant × metric × scenario. */
export function toCsv(run: RunResult): string {
  const rows: Row[] = [];
  for (const v of run.variants) {
    const base: Row = {
      run_id: run.runId,
      variant: v.name,
      state: v.state,
      bases_profile: run.bases.profile,
    };
    const f = figuresOf(v);
    rows.push({
      ...base,
      metric: 'size',
      scenario: 'image',
      ...(f.size
        ? {
            image_size_bytes: f.size.sizeBytes,
            layer_count: f.size.layerCount,
            binary_size_bytes: f.size.binary.sizeBytes,
            binary_linkage: f.size.binary.linkage,
          }
        : {}),
      ...(f.build ? { build_duration_ms: Math.round(f.build.durationMs) } : {}),
      ...(v.state === 'failed' ? { error: `${v.failure.stage}: ${v.failure.message}` } : {}),
    });
    for (const [metric, scenario, figures] of runtimeRows(f))
      rows.push({ ...base, metric, scenario, ...figures });
  }
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
}
