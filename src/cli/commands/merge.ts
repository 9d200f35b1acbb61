import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { UsageError } from '../../errors.js';
import { HEADLINE_FIGURES } from '../../metrics/headlines.js';
import { parseList } from '../../metrics/run-options.js';
import { figuresToShow } from '../../report/history.js';
import { MERGED_FILE, mergeRuns, TOO_FEW_RUNS } from '../../report/merge.js';
import { mergedHtml, mergedMarkdown, mergedText } from '../../report/merged-report.js';
import { readRun } from '../../results/read-run.js';
import type { Output } from '../output.js';

/** Where `imgbench merge` writes by default. */
export const DEFAULT_MERGED_DIR = 'results/merged';

export function declareMerge() {
  return new Command('merge')
    .summary("several machines' runs of one service as one report (a CI matrix's jobs)")
    .argument(
      '[runs...]',
      'run folders or results.json files, each optionally named: NAME=RUN (e.g. ubuntu-24.04=runs/a)',
    )
    .addOption(
      new Option('--out <dir>', 'folder for merged.json, summary.md and report.html').default(
        DEFAULT_MERGED_DIR,
      ),
    )
    .addOption(
      new Option(
        '--figure <list>',
        'figures to show, comma-separated, e.g. "image size,startup start→ready"',
      ).default(undefined, `the headline figures: ${HEADLINE_FIGURES.join(', ')}`),
    );
}

/** `NAME=RUN` when the argument is not itself a path and its name has no slash. */
async function namedRun(arg: string): Promise<{ name?: string; path: string }> {
  const match = /^([^=/]+)=(.+)$/.exec(arg);
  const exists = await stat(arg).then(
    () => true,
    () => false,
  );
  return match && !exists ? { name: match[1] as string, path: match[2] as string } : { path: arg };
}

/**
 * `imgbench merge RUN RUN… [--out DIR]`: the runs side by side, each
 * machine's figures its own, their answers and their ratios to the reference
 * set against the first machine's; written to DIR and shown on stdout.
 */
export async function mergeCommand(
  args: string[],
  values: { out?: string; figure?: string },
  output: Output,
): Promise<number> {
  const figures = figuresToShow(values.figure ? parseList('--figure', values.figure) : undefined);
  // Before any run is read: one line, whatever the one run given is.
  if (args.length < 2) throw new UsageError(TOO_FEW_RUNS);
  const inputs = [];
  for (const arg of args) {
    const { name, path } = await namedRun(arg);
    inputs.push({ ...(name ? { name } : {}), run: await readRun(path) });
  }
  const merged = mergeRuns(inputs);
  const out = values.out ?? DEFAULT_MERGED_DIR;
  await mkdir(out, { recursive: true });
  await writeFile(join(out, MERGED_FILE), `${JSON.stringify(merged, null, 2)}\n`);
  await writeFile(join(out, 'summary.md'), mergedMarkdown(merged, figures));
  await writeFile(join(out, 'report.html'), mergedHtml(merged, figures));
  output.result(mergedText(merged, { figures, ...(output.width ? { width: output.width } : {}) }));
  output.progress(`Merged: ${out}/ (${MERGED_FILE}, summary.md, report.html)`);
  return 0;
}
