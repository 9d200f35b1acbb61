import { formatMB } from '../../format/format.js';
import { groupedBars, MB, missingMetric } from '../charts.js';
import type { Chart, RunTablePart } from '../metric.js';
import type { RunResult } from '../run-result.js';
import { FLAG_BUILDS, type FlagBuild } from './binary-flags.js';

/** The flags as a reader types them, shorter than FLAG_BUILDS' quoting. */
const LABELS: Record<FlagBuild, string> = {
  plain: 'no flags',
  w: '-w',
  s: '-s',
  sw: '-s -w',
  trimpath: '-trimpath -s -w',
};
const ORDER = Object.keys(FLAG_BUILDS) as FlagBuild[];

/**
 * One row per set of flags: the binary's size, what it saves against no
 * flags, which other builds give a binary of the same size (so that -s and
 * -s -w saving the same, as on Go 1.22 and newer, is a row and not a footnote),
 * and the build machine's paths left in it.
 */
export const flagsTable: RunTablePart = {
  columns: [
    { header: 'Flags', align: 'left' },
    { header: 'Binary', align: 'right' },
    { header: 'Bytes', align: 'right' },
    { header: 'Saved', align: 'right' },
    { header: 'Same size as', align: 'left' },
    { header: 'Build paths', align: 'right' },
  ],
  rows: (run) => {
    const flags = run.binaryFlags;
    if (!flags) return [];
    return ORDER.map((key) => {
      const b = flags.binaries[key];
      const twins = ORDER.filter((o) => o !== key && flags.binaries[o].sizeBytes === b.sizeBytes);
      return [
        LABELS[key],
        formatMB(b.sizeBytes),
        String(b.sizeBytes),
        key === 'plain' ? '–' : `${flags.reductionPct[key].toFixed(1)} %`,
        twins.length ? twins.map((o) => LABELS[o]).join(', ') : '–',
        String(b.buildPaths),
      ];
    });
  },
  note: (run) =>
    run.binaryFlags
      ? `The service's main package built once with each set of -ldflags on ${run.binaryFlags.builder} (not timed). Saved: against the build without flags. Same size as: the builds whose binary has as many bytes (their contents may differ, by the build ID at least). Build paths: absolute .go paths of the build machine left in the binary. Built again from another folder, the bytes were ${run.binaryFlags.elsewhere.withoutTrimpath ? 'the same' : 'different'} without -trimpath and ${run.binaryFlags.elsewhere.withTrimpath ? 'the same' : 'different'} with it.`
      : '',
};

/** The binary's size for each set of flags. */
export function flagsChart(run: RunResult): Chart {
  const flags = run.binaryFlags;
  const rows: Chart['rows'] = flags
    ? ORDER.map((key) => ({
        variant: LABELS[key],
        kind: 'binary',
        MB: flags.binaries[key].sizeBytes / MB,
      }))
    : [];
  return {
    id: 'flags',
    title: 'Binary size by -ldflags',
    caption:
      'The service binary built once with each set of flags (one build each, not timed; sizes are exact, not sampled). MB = 10^6 bytes, linear from zero, each bar labelled.',
    rows,
    ...(flags
      ? {}
      : {
          missing: run.binaryFlagsFailure
            ? `the flags builds failed: ${run.binaryFlagsFailure}`
            : missingMetric(run, 'flags'),
        }),
    spec: groupedBars(rows, { series: 'kind', value: 'MB', unit: 'MB', order: ['binary'] }),
  };
}
