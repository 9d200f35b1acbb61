import { relative } from 'node:path';
import { loadConfig } from '../../config/config.js';
import type { Engine } from '../../engine/engine.js';
import { UsageError } from '../../errors.js';
import { parseList } from '../../options.js';
import { checkMaxBudgets } from '../../report/budgets.js';
import { verdictCounts, verdictsForReport } from '../../report/claims-table.js';
import { formatDuration, formatMB } from '../../report/format.js';
import { toJson } from '../../report/json.js';
import { toTable } from '../../report/table.js';
import { runSuite } from '../../run/run-suite.js';
import { parseTimeouts } from '../../timeouts.js';
import type { Output } from '../output.js';
import { paint } from '../output.js';
import { ALL_PASSED, BUDGET_BREACHED, VARIANT_FAILED } from './exit-codes.js';

export interface RunCommandValues {
  metrics?: string;
  variants?: string;
  'variants-dir'?: string;
  out?: string;
  service?: string;
  main?: string;
  bases?: string;
  repeat?: string;
  quick?: boolean;
  link?: string;
  'registry-port'?: string;
  'pull-concurrency'?: string;
  'pull-storage'?: string;
  bail?: boolean;
  timeout?: string;
  config?: string;
  json?: boolean;
}

/** A whole-number option as given on the command line; its range is checked by normalizeRunOptions. */
function parseWhole(option: string, value: string, expected: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new UsageError(`Expected \`${option}\` to be ${expected}, got \`${value}\``);
  }
  return n;
}

/** `imgbench run`: exit code 0 when every variant is ok, 1 when any failed, 3 when a budget broke. */
export async function runCommand(
  engine: Engine,
  values: RunCommandValues,
  output: Output,
): Promise<number> {
  const started = performance.now();
  // Read and checked before anything is built: a config with a mistake is bad input.
  const { config, file: configFile } = await loadConfig(values.config);
  const { run, dir } = await runSuite(
    engine,
    {
      ...(values.metrics ? { metrics: parseList('--metrics', values.metrics) } : {}),
      ...(values.variants ? { variants: parseList('--variants', values.variants) } : {}),
      ...(values['variants-dir'] ? { variantsDir: values['variants-dir'] } : {}),
      ...(values.out ? { outDir: values.out } : {}),
      ...(values.service ? { serviceDir: values.service } : {}),
      ...(values.main ? { mainPackage: values.main } : {}),
      ...(values.bases ? { bases: values.bases } : {}),
      ...(values.repeat !== undefined
        ? { repeat: parseWhole('--repeat', values.repeat, 'an integer of at least 2') }
        : {}),
      ...(values.quick ? { quick: true } : {}),
      ...(values.link ? { links: parseList('--link', values.link) } : {}),
      ...(values['registry-port'] !== undefined
        ? {
            registryPort: parseWhole(
              '--registry-port',
              values['registry-port'],
              'a TCP port (1–65535, or 0 for a free one)',
            ),
          }
        : {}),
      ...(values['pull-concurrency'] !== undefined
        ? {
            pullConcurrency: parseWhole(
              '--pull-concurrency',
              values['pull-concurrency'],
              'an integer from 1 to 32',
            ),
          }
        : {}),
      ...(values['pull-storage'] !== undefined ? { pullStorage: values['pull-storage'] } : {}),
      ...(values.bail ? { bail: true } : {}),
      ...(values.timeout !== undefined ? { timeouts: parseTimeouts(values.timeout) } : {}),
    },
    {
      onEvent: (event) => {
        const elapsed = formatDuration(performance.now() - started);
        if (event.type === 'bases') output.progress(`bases: ${event.message} (${elapsed})`);
        else if (event.type === 'stage') output.progress(`${event.message} (${elapsed})`);
        else if (event.type === 'sample') {
          const metric = event.note ? `${event.metric} [${event.note}]` : event.metric;
          output.status(
            `${metric} ${event.variant}: sample ${event.round + 1}/${event.rounds} ${event.durationMs.toFixed(1)} ms (${elapsed})`,
          );
        } else if (event.type === 'variant-start') {
          output.progress(
            `[${event.index + 1}/${event.total}] ${event.name}: building (${elapsed})`,
          );
        } else {
          const r = event.result;
          const detail =
            r.state === 'ok'
              ? `${paint(output, 32, 'ok')} ${formatMB(r.size.sizeBytes)}, binary ${formatMB(r.size.binary.sizeBytes)} ${r.size.binary.linkage}`
              : `${paint(output, 31, r.state)} ${r.state === 'failed' ? r.failure.message.split('\n')[0] : ''}`;
          output.progress(`[${event.index + 1}/${event.total}] ${r.name}: ${detail} (${elapsed})`);
        }
      },
    },
  );
  if (run.stoppedBy === 'bail') {
    const first = run.variants.find((v) => v.state === 'failed');
    output.progress(
      `stopped at the first failure (--bail): ${first?.name ?? 'a variant'} failed${first?.state === 'failed' ? ` at ${first.failure.stage}` : ''}; later steps did not run`,
    );
  }
  if (values.json) output.result(toJson(run));
  else {
    output.result(`\n${toTable(run)}`);
    const shown = relative(process.cwd(), dir);
    const { verdicts, problem } = verdictsForReport(run);
    output.result(
      `Claims of the seed articles: ${problem ?? verdictCounts(verdicts)} (\`imgbench claims ${shown.startsWith('..') ? dir : shown}\`)`,
    );
    output.result(
      `Results: ${shown.startsWith('..') ? dir : shown}/ (results.json, results.csv, summary.md, report.html)`,
    );
  }
  const breaches = checkMaxBudgets(run, config);
  if (configFile) {
    output.progress(
      `budgets (${relative(process.cwd(), configFile)}): ${breaches.length === 0 ? `all ${config.budgets.length} hold` : `${breaches.length} broken`}`,
    );
  }
  for (const breach of breaches) output.progress(`imgbench: ${breach.message}`);
  if (!run.variants.every((v) => v.state === 'ok')) return VARIANT_FAILED;
  return breaches.length > 0 ? BUDGET_BREACHED : ALL_PASSED;
}
