import { stringify } from 'csv-stringify/sync';
import type { RunResult } from '../types.js';

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
  'binary_size_bytes',
  'binary_linkage',
  'build_duration_ms',
  'error',
] as const;

/** One row per variant × metric × scenario (the size metric has a single scenario, `image`). */
export function toCsv(run: RunResult): string {
  const rows = run.variants.map((v) => {
    const base = {
      run_id: run.runId,
      variant: v.name,
      state: v.state,
      metric: 'size',
      scenario: 'image',
      bases_profile: run.bases.profile,
    };
    if (v.state === 'ok') {
      return {
        ...base,
        image_size_bytes: v.size.sizeBytes,
        layer_count: v.size.layerCount,
        binary_size_bytes: v.size.binary.sizeBytes,
        binary_linkage: v.size.binary.linkage,
        build_duration_ms: Math.round(v.build.durationMs),
      };
    }
    return { ...base, error: v.state === 'failed' ? v.failure.message : '' };
  });
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS] });
}
