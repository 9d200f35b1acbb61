import { parseList } from '../../options.js';
import { loadHistory, toTrendTable } from '../../report/history.js';
import type { Output } from '../output.js';

/** The default folder of kept runs, in the repository and in a nightly job's workspace. */
export const DEFAULT_HISTORY_DIR = 'results/history';

/** `imgbench history [DIR] [--figure a,b]`: each figure's median across the runs kept in DIR. */
export async function historyCommand(
  dir: string | undefined,
  values: { figure?: string; json?: boolean },
  output: Output,
): Promise<number> {
  const runs = await loadHistory(dir ?? DEFAULT_HISTORY_DIR);
  const figures = values.figure ? parseList('--figure', values.figure) : undefined;
  output.result(toTrendTable(runs, figures));
  return 0;
}
