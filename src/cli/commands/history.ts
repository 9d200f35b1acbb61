import { Command, Option } from '@commander-js/extra-typings';
import { HEADLINE_FIGURES } from '../../metrics/headlines.js';
import { parseList } from '../../metrics/run-options.js';
import { loadKeptRuns, toMachineTrends } from '../../report/history.js';
import type { Output } from '../output.js';

/** The default folder of kept runs, in the repository and in a nightly job's workspace. */
export const DEFAULT_HISTORY_DIR = 'results/history';

export function declareHistory() {
  return new Command('history')
    .summary("each figure's median across kept runs")
    .argument('[dir]', 'a folder of kept results.json files', DEFAULT_HISTORY_DIR)
    .addOption(
      new Option(
        '--figure <list>',
        'figures to show, comma-separated, e.g. "image size,startup start→ready"',
      ).default(undefined, `the headline figures: ${HEADLINE_FIGURES.join(', ')}`),
    );
}

/** `imgbench history [DIR] [--figure a,b]`: each figure's median across the runs kept in DIR. */
export async function historyCommand(
  dir: string | undefined,
  values: { figure?: string; json?: boolean },
  output: Output,
): Promise<number> {
  const kept = await loadKeptRuns(dir ?? DEFAULT_HISTORY_DIR);
  const figures = values.figure ? parseList('--figure', values.figure) : undefined;
  output.result(toMachineTrends(kept, figures));
  return 0;
}
