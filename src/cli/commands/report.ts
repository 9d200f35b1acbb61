import { Command, Option } from '@commander-js/extra-typings';
import { UsageError } from '../../errors.js';
import { NEEDS, type Need, parseNeeds } from '../../metrics/needs.js';
import type { RunSettings } from '../../metrics/run-result.js';
import {
  toBencher,
  toBencherMerged,
  toGithubBenchmark,
  toGithubBenchmarkMerged,
} from '../../report/benchmark-formats.js';
import { toCsv } from '../../report/csv.js';
import { toHtml } from '../../report/html.js';
import { toJson } from '../../report/json.js';
import { toMarkdown } from '../../report/markdown.js';
import { mergedHtml, mergedMarkdown, mergedText } from '../../report/merged-report.js';
import { toTable } from '../../report/table.js';
import type { MergedRun } from '../../results/merged-run.js';
import { readRunOrMerged } from '../../results/read-run.js';
import type { Output } from '../output.js';

export const REPORT_FORMATS = [
  'table',
  'markdown',
  'csv',
  'json',
  'html',
  'github-benchmark',
  'bencher',
] as const;
export const DEFAULT_REPORT_FORMAT = 'table';

export function declareReport() {
  return new Command('report')
    .summary('render a saved run again, in any format, on stdout')
    .argument('[run]', 'a run folder or its results.json')
    .addOption(
      new Option('--format <format>', `one of ${REPORT_FORMATS.join(', ')}`).default(
        DEFAULT_REPORT_FORMAT,
      ),
    )
    .addOption(
      new Option(
        '--needs <list>',
        `what the service needs of its image, for the recommendation: ${NEEDS.join(', ')}, or none`,
      )
        .default(undefined, 'what the run was given')
        .argParser(parseNeeds),
    )
    .addOption(
      new Option(
        '--full',
        'every table, in a terminal too (where one compact table stands for them by default)',
      ),
    );
}

/** `imgbench report <run>`: a saved run rendered again, in any format, on stdout. */
export async function reportCommand(
  path: string | undefined,
  values: { format?: string; needs?: Need[]; full?: boolean },
  output: Output,
): Promise<number> {
  if (!path) {
    throw new UsageError(
      'Expected a run to report: `imgbench report results/latest` (a run folder or its results.json)',
    );
  }
  const format = values.format ?? DEFAULT_REPORT_FORMAT;
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `Expected \`--format\` to be one of ${REPORT_FORMATS.join(', ')}, got \`${format}\``,
    );
  }
  const read = await readRunOrMerged(path);
  if (read.kind === 'merged') {
    output.result(
      await renderMerged(read.merged, format as (typeof REPORT_FORMATS)[number], output),
    );
    return 0;
  }
  const saved = read.run;
  // The recommendation for other needs than the run was given: the same figures, weighed again.
  const run = values.needs
    ? { ...saved, settings: { ...saved.settings, needs: values.needs } as RunSettings }
    : saved;
  const render = {
    table: () => toTable(run, { width: output.width, full: values.full === true }),
    markdown: () => toMarkdown(run),
    csv: () => toCsv(run),
    json: () => toJson(run),
    html: () => toHtml(run),
    'github-benchmark': () => toGithubBenchmark(run),
    bencher: () => toBencher(run),
  }[format as (typeof REPORT_FORMATS)[number]];
  output.result(await render());
  return 0;
}

/** A merged run (`imgbench merge`) in a format: every machine's figures side by side. */
function renderMerged(
  merged: MergedRun,
  format: (typeof REPORT_FORMATS)[number],
  output: Output,
): string {
  if (format === 'csv') {
    throw new UsageError(
      "A merged run has no CSV of its own: report each machine's run with `--format csv`, or this one with `--format json`",
    );
  }
  return {
    table: () => mergedText(merged, output.width ? { width: output.width } : {}),
    markdown: () => mergedMarkdown(merged),
    json: () => `${JSON.stringify(merged, null, 2)}\n`,
    html: () => mergedHtml(merged),
    'github-benchmark': () => toGithubBenchmarkMerged(merged),
    bencher: () => toBencherMerged(merged),
  }[format]();
}
