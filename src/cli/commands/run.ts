import { relative } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { type Config, DEFAULT_CONFIG_FILE, loadConfig } from '../../config/config.js';
import type { Engine } from '../../engine/engine.js';
import { formatDuration, formatMB } from '../../format/format.js';
import { METRIC_MODULES, METRIC_OPTIONS } from '../../metrics/registry.js';
import { defaultLooks, RUN_OPTIONS, type RunOptionsInput } from '../../metrics/run-options.js';
import { checkMaxBudgets } from '../../report/budgets.js';
import { verdictCounts, verdictsForReport } from '../../report/claims-table.js';
import { toJson } from '../../report/json.js';
import { toTable, wrapWords } from '../../report/table.js';
import { runSuite } from '../../run/run-suite.js';
import { SERVICE_OPTIONS, serviceInput } from '../../service/service-options.js';
import { commanderOption, optionInputs } from '../../validation/run-option.js';
import type { Output } from '../output.js';
import { paint } from '../output.js';
import { ALL_PASSED, BUDGET_BREACHED, VARIANT_FAILED } from './exit-codes.js';

/** `imgbench run`'s options, each declared once: its flags, help and default. */
export function declareRun() {
  const command = new Command('run')
    .summary('build every variant and measure it; prints a table')
    .description(
      'Builds every Dockerfile variant of a Go service and measures it: image size, practical gaps, -ldflags, build time, cold pulls, startup and memory. Prints a table and writes a run folder (results.json, results.csv, summary.md, report.html).',
    )
    .addOption(commanderOption(RUN_OPTIONS.metrics))
    .addOption(commanderOption(RUN_OPTIONS.repeat))
    .addOption(commanderOption(RUN_OPTIONS.quick))
    .addOption(commanderOption(RUN_OPTIONS.budgetMs))
    .addOption(commanderOption(RUN_OPTIONS.marginPct))
    .addOption(commanderOption(RUN_OPTIONS.needs));
  // Each metric's own options, as its folder declares them.
  for (const option of Object.values(METRIC_OPTIONS)) command.addOption(commanderOption(option));
  for (const key of [
    'variants',
    'variantsDir',
    'dockerfiles',
    'bail',
    'reference',
    'timeouts',
    'serviceDir',
    'mainPackage',
    'contextDir',
  ] as const) {
    command.addOption(commanderOption(RUN_OPTIONS[key]));
  }
  for (const option of Object.values(SERVICE_OPTIONS)) command.addOption(commanderOption(option));
  return command
    .addOption(commanderOption(RUN_OPTIONS.bases))
    .addOption(commanderOption(RUN_OPTIONS.go))
    .addOption(commanderOption(RUN_OPTIONS.basesTimeoutMs))
    .addOption(commanderOption(RUN_OPTIONS.baseImages))
    .addOption(commanderOption(RUN_OPTIONS.outDir))
    .addOption(
      new Option('--config <file>', 'budgets to check').default(
        undefined,
        `${DEFAULT_CONFIG_FILE} if present`,
      ),
    )
    .option('--json', 'print the run as JSON instead of a table')
    .addHelpText('after', metricsHelp());
}

/** `8 to 64 samples, until decided` or `1 sample`: a repeated metric's rounds by default. */
const samplesWords = (s: { default: number; untilDecided?: boolean; looksEvery?: number }) =>
  s.untilDecided
    ? `${defaultLooks(s)[0]} to ${s.default} samples, until decided`
    : `${s.default} sample${s.default === 1 ? '' : 's'}`;

/** The metrics `--metrics` takes: what each measures and where it runs, from the registry. */
function metricsHelp(): string {
  const width = Math.max(...METRIC_MODULES.map((m) => m.name.length));
  return [
    '',
    'Metrics:',
    ...METRIC_MODULES.map(
      (m) =>
        `  ${m.name.padEnd(width)}  ${m.description} (${m.runsOn}${'samples' in m && m.samples ? `, ${samplesWords(m.samples)}` : ''})`,
    ),
  ].join('\n');
}

export type RunCommandValues = ReturnType<ReturnType<typeof declareRun>['opts']>;

/** The run's input from the command line and the config file: every list parsed, before the engine is reached. */
function runInput(values: RunCommandValues, config: Config): RunOptionsInput {
  const given = optionInputs(RUN_OPTIONS, values);
  return {
    ...given,
    ...optionInputs(METRIC_OPTIONS, values),
    dockerfiles: { ...config.dockerfiles, ...given.dockerfiles },
    baseImages: { ...config.baseImages, ...given.baseImages },
    service: serviceInput(optionInputs(SERVICE_OPTIONS, values), config.service),
  };
}

/** `imgbench run`: exit code 0 when every variant is ok, 1 when any failed, 3 when a budget broke. */
export async function runCommand(
  connect: () => Promise<Engine>,
  values: RunCommandValues,
  output: Output,
): Promise<number> {
  const started = performance.now();
  // Read and checked before anything is built: a config with a mistake is bad input.
  const { config, file: configFile } = await loadConfig(values.config);
  const input = runInput(values, config);
  const { run, dir } = await runSuite(connect, input, {
    onEvent: (event) => {
      const elapsed = formatDuration(performance.now() - started);
      if (event.type === 'bases') output.progress(`bases: ${event.message} (${elapsed})`);
      else if (event.type === 'debug') output.debug(event.message);
      else if (event.type === 'stage') output.progress(`${event.message} (${elapsed})`);
      else if (event.type === 'sample') {
        const metric = event.note ? `${event.metric} [${event.note}]` : event.metric;
        output.status(
          `${metric} ${event.variant}: sample ${event.round + 1}/${event.rounds} ${event.durationMs.toFixed(1)} ms (${elapsed})`,
        );
      } else if (event.type === 'variant-start') {
        output.progress(`[${event.index + 1}/${event.total}] ${event.name}: building (${elapsed})`);
      } else {
        const r = event.result;
        const detail =
          r.state === 'ok'
            ? `${paint(output, 32, 'ok')} ${formatMB(r.size.sizeBytes)}, binary ${formatMB(r.size.binary.sizeBytes)} ${r.size.binary.linkage}`
            : `${paint(output, 31, r.state)} ${r.state === 'failed' ? r.failure.message.split('\n')[0] : ''}`;
        output.progress(`[${event.index + 1}/${event.total}] ${r.name}: ${detail} (${elapsed})`);
      }
    },
  });
  if (run.stoppedBy === 'bail') {
    const first = run.variants.find((v) => v.state === 'failed');
    output.progress(
      `stopped at the first failure (--bail): ${first?.name ?? 'a variant'} failed${first?.state === 'failed' ? ` at ${first.failure.stage}` : ''}; later steps did not run`,
    );
  }
  if (run.stoppedBy === 'service') {
    const failed = run.variants.find((v) => v.state === 'failed');
    output.progress(
      `stopped: ${failed?.state === 'failed' ? failed.failure.message : "the service's port or ready path was not found"}`,
    );
  }
  if (values.json) output.result(toJson(run));
  else {
    output.result(`\n${toTable(run, { width: output.width })}`);
    const shown = relative(process.cwd(), dir);
    const { verdicts, problem } = verdictsForReport(run);
    output.result(
      wrapWords(
        `Claims of the seed articles: ${problem ?? verdictCounts(verdicts)} (\`imgbench claims ${shown.startsWith('..') ? dir : shown}\`)`,
        output.width,
      ),
    );
    output.result(
      wrapWords(
        `Results: ${shown.startsWith('..') ? dir : shown}/ (results.json, results.csv, summary.md, report.html)`,
        output.width,
      ),
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
