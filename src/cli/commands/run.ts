import { relative } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { BASE_ROLES } from '../../bases/base-roles.js';
import { parseBaseImage } from '../../bases/resolve-bases.js';
import { type Config, DEFAULT_CONFIG_FILE, loadConfig } from '../../config/config.js';
import type { Engine } from '../../engine/engine.js';
import { UsageError } from '../../errors.js';
import { formatDuration, formatMB } from '../../format/format.js';
import { METRIC_MODULES, METRIC_OPTIONS, REPEATED_METRICS } from '../../metrics/registry.js';
import { RUN_OPTIONS, type RunOptionsInput } from '../../metrics/run-options.js';
import { checkMaxBudgets } from '../../report/budgets.js';
import { verdictCounts, verdictsForReport } from '../../report/claims-table.js';
import { toJson } from '../../report/json.js';
import { toTable } from '../../report/table.js';
import { runSuite } from '../../run/run-suite.js';
import {
  DEFAULT_LOAD_CONCURRENCY,
  DEFAULT_LOAD_REQUESTS,
  DEFAULT_READY_PATH,
  DEFAULT_SERVICE_PORT,
  SAMPLE_LOAD_PATH,
  type ServiceSettingsInput,
} from '../../service/service-settings.js';
import { commanderOption, optionInputs, wholeNumber } from '../../validation/run-option.js';
import { firstRepeated, parseOwnDockerfile } from '../../variants/variant-catalog.js';
import type { Output } from '../output.js';
import { paint } from '../output.js';
import { ALL_PASSED, BUDGET_BREACHED, VARIANT_FAILED } from './exit-codes.js';

/** A repeatable option's values, in the order given. */
const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** `imgbench run`'s options, each declared once: its flags, help and default. */
export function declareRun() {
  const command = new Command('run')
    .summary('build every variant and measure it; prints a table')
    .description(
      'Builds every Dockerfile variant of a Go service and measures it: image size, practical gaps, -ldflags, build time, cold pulls, startup and memory. Prints a table and writes a run folder (results.json, results.csv, summary.md, report.html).',
    )
    .addOption(commanderOption(RUN_OPTIONS.metrics))
    .addOption(commanderOption(RUN_OPTIONS.repeat))
    .option(
      '--quick',
      `fewer samples: ${REPEATED_METRICS.map((m) => `${m.name} ${m.samples.quick}`).join(', ')}`,
    );
  // Each metric's own options, as its folder declares them.
  for (const option of Object.values(METRIC_OPTIONS)) command.addOption(commanderOption(option));
  return command
    .addOption(commanderOption(RUN_OPTIONS.variants))
    .addOption(commanderOption(RUN_OPTIONS.variantsDir))
    .addOption(
      new Option(
        '--dockerfile <NAME=PATH>',
        'a Dockerfile of your own, measured as variant NAME after the others, with the same context (repeat it)',
      )
        .argParser(collect)
        .default(undefined, 'none'),
    )
    .option('--bail', 'stop at the first variant that fails; later steps do not run')
    .addOption(commanderOption(RUN_OPTIONS.reference))
    .addOption(commanderOption(RUN_OPTIONS.timeouts))
    .addOption(commanderOption(RUN_OPTIONS.serviceDir))
    .addOption(commanderOption(RUN_OPTIONS.mainPackage))
    .addOption(commanderOption(RUN_OPTIONS.contextDir))
    .addOption(
      new Option(
        '--port <n>',
        'the port the service listens on inside the container; left out, found by starting the first image built',
      )
        .argParser(wholeNumber('--port', 'a TCP port from 1 to 65535'))
        .default(undefined, `${DEFAULT_SERVICE_PORT} for the sample`),
    )
    .addOption(
      new Option(
        '--ready <path|tcp>',
        'when the service is ready: the first HTTP 200 of this path, or tcp for "the port accepts a connection"; left out, found with the port',
      ).default(undefined, `${DEFAULT_READY_PATH} for the sample`),
    )
    .addOption(
      new Option(
        '--arg <arg>',
        "an argument for the service, after the image's command (repeat it)",
      )
        .argParser(collect)
        .default(undefined, 'none'),
    )
    .addOption(
      new Option(
        '--env <NAME=VALUE>',
        "a variable for the service's environment (repeat it); results keep its name, never its value",
      )
        .argParser(collect)
        .default(undefined, 'none'),
    )
    .addOption(
      new Option('--load <path>', "the path the memory metric's load asks for").default(
        undefined,
        `${SAMPLE_LOAD_PATH} for the sample service, the ready path for any other`,
      ),
    )
    .addOption(
      new Option('--load-requests <n>', 'GETs the memory load sends')
        .argParser(wholeNumber('--load-requests', 'a whole number'))
        .default(undefined, String(DEFAULT_LOAD_REQUESTS)),
    )
    .addOption(
      new Option('--load-concurrency <n>', 'connections the memory load sends them on')
        .argParser(wholeNumber('--load-concurrency', 'a whole number'))
        .default(undefined, String(DEFAULT_LOAD_CONCURRENCY)),
    )
    .addOption(commanderOption(RUN_OPTIONS.bases))
    .addOption(commanderOption(RUN_OPTIONS.basesTimeoutMs))
    .addOption(
      new Option(
        '--base-image <ROLE=IMAGE>',
        `the image for one base role instead of the profile's, already in the engine (repeat it); roles: ${BASE_ROLES.join(', ')}`,
      )
        .argParser(collect)
        .default(undefined, 'none'),
    )
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

/** The metrics `--metrics` takes: what each measures and where it runs, from the registry. */
function metricsHelp(): string {
  const width = Math.max(...METRIC_MODULES.map((m) => m.name.length));
  return [
    '',
    'Metrics:',
    ...METRIC_MODULES.map(
      (m) =>
        `  ${m.name.padEnd(width)}  ${m.description} (${m.runsOn}${'samples' in m && m.samples ? `, ${m.samples.default} samples` : ''})`,
    ),
  ].join('\n');
}

export type RunCommandValues = ReturnType<ReturnType<typeof declareRun>['opts']>;

/** The service settings: the config file's `service` section, each setting given on the command line replacing it. */
function serviceInput(
  fromConfig: ServiceSettingsInput | undefined,
  values: RunCommandValues,
): ServiceSettingsInput {
  const load = {
    ...fromConfig?.load,
    ...(values.load !== undefined ? { path: values.load } : {}),
    ...(values.loadRequests !== undefined ? { requests: values.loadRequests } : {}),
    ...(values.loadConcurrency !== undefined ? { concurrency: values.loadConcurrency } : {}),
  };
  return {
    ...fromConfig,
    ...(values.port !== undefined ? { port: values.port } : {}),
    ...(values.ready !== undefined ? { ready: values.ready } : {}),
    ...(values.arg !== undefined ? { args: values.arg } : {}),
    ...(values.env !== undefined ? { env: values.env } : {}),
    ...(Object.keys(load).length > 0 ? { load } : {}),
  };
}

/** `--dockerfile` entries over the config file's `dockerfiles`; a name given twice on the command line is bad input. */
function ownDockerfiles(
  given: readonly string[] | undefined,
  fromConfig: Readonly<Record<string, string>> | undefined,
): { dockerfiles?: Record<string, string> } {
  const entries = (given ?? []).map(parseOwnDockerfile);
  const twice = firstRepeated(entries.map(([name]) => name));
  if (twice !== undefined) {
    throw new UsageError(
      `\`--dockerfile\` names \`${twice}\` twice; give each Dockerfile a name of its own`,
    );
  }
  const dockerfiles = { ...fromConfig, ...Object.fromEntries(entries) };
  return Object.keys(dockerfiles).length > 0 ? { dockerfiles } : {};
}

/** The run's input from the command line and the config file: every list parsed, before the engine is reached. */
function runInput(values: RunCommandValues, config: Config): RunOptionsInput {
  return {
    ...ownDockerfiles(values.dockerfile, config.dockerfiles),
    ...(values.quick ? { quick: true } : {}),
    ...optionInputs(RUN_OPTIONS, values),
    ...optionInputs(METRIC_OPTIONS, values),
    ...(values.bail ? { bail: true } : {}),
    service: serviceInput(config.service, values),
    baseImages: {
      ...config.baseImages,
      ...Object.fromEntries((values.baseImage ?? []).map(parseBaseImage)),
    },
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
  const { run, dir } = await runSuite(await connect(), input, {
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
