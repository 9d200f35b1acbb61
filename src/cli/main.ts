#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DockerEngine } from '../engine/docker-engine.js';
import { EngineError, errorMessage, ImgbenchError, UsageError } from '../errors.js';
import {
  DEFAULT_BUILD_SAMPLES,
  DEFAULT_MEMORY_SAMPLES,
  DEFAULT_PULL_SAMPLES,
  DEFAULT_STARTUP_SAMPLES,
  QUICK_BUILD_SAMPLES,
  QUICK_MEMORY_SAMPLES,
  QUICK_PULL_SAMPLES,
  QUICK_STARTUP_SAMPLES,
} from '../options.js';
import { redact } from '../report/redact.js';
import { basesCommand } from './commands/bases.js';
import { claimsCommand } from './commands/claims.js';
import { cleanCommand } from './commands/clean.js';
import { compareCommand } from './commands/compare.js';
import { doctorCommand } from './commands/doctor.js';
import { historyCommand } from './commands/history.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { createOutput } from './output.js';

const HELP = `imgbench — what each way of packaging a Go service into an image really costs

Usage:
  imgbench run [options]      build every variant and measure it; prints a table
  imgbench bases [--force]    build the offline stand-in base images (skips unchanged ones)
  imgbench doctor             check the engine and tools; names the fix for what is missing
  imgbench clean [--all]      remove what killed runs left (a second dockerd, registry, bridge,
                              qdisc, containers); --all also every image imgbench made
  imgbench report RUN [--format table|markdown|csv|json|html]
                              render a saved run again (a run folder or its results.json)
  imgbench compare BASE HEAD [--config FILE]
                              each figure's change and whether it is beyond both runs' noise
  imgbench claims RUN [--json]
                              each claim of the seed articles: confirmed, refuted, inconclusive
                              or not measurable here, with the measured evidence
  imgbench history [DIR] [--figure "image size,startup start→ready"]
                              each figure's median across kept runs (default: results/history)

Options for run:
  --metrics size,gaps,flags,build,pull,startup,memory
                              what to measure (default: all)
  --repeat N                  samples per variant of every repeated metric
                              (default: build ${DEFAULT_BUILD_SAMPLES}, pull ${DEFAULT_PULL_SAMPLES}, startup ${DEFAULT_STARTUP_SAMPLES}, memory ${DEFAULT_MEMORY_SAMPLES})
  --quick                     fewer samples (${QUICK_BUILD_SAMPLES}, ${QUICK_PULL_SAMPLES}, ${QUICK_STARTUP_SAMPLES}, ${QUICK_MEMORY_SAMPLES})
  --link 100mbit,20mbit       also time pulls over links shaped with tc (needs root);
                              unlimited loopback is always timed
  --registry-port N           port of the run's registry on 127.0.0.1 (default: a free one)
  --pull-concurrency N        layers the pulling engine downloads at once (default: 3, Docker's)
  --pull-storage memory|disk  where the pulling engine writes layers: a tmpfs, which leaves
                              the host disk's noise out, or the disk (default: memory)
  --variants a,b              variants to run, in order (default: all six)
  --variants-dir DIR          your own Dockerfiles: one sub-folder per variant, each holding
                              a Dockerfile (default: the six that come with imgbench)
  --bail                      stop at the first variant that fails
  --timeout build=20m,push=10m,pull=10m,start=60s,ready=30s
                              limits per engine operation (each optional; ms, s, m, h);
                              a variant whose operation runs past one fails and says which
  --service DIR               your Go module instead of the sample service
  --main ./cmd/server         main package inside --service (default: .)
  --bases auto|upstream|offline
                              base images: upstream names or local stand-ins (default: auto)
  --out DIR                   where run folders go (default: results)
  --config FILE               budgets to check (default: imgbench.config.json if present)
  --json                      print the run as JSON instead of a table

Exit codes: 0 all passed; 1 a variant failed; 2 bad input; 3 a budget was broken.

Common:
  --debug                     print stack traces
  -h, --help                  this text
`;

const OPTIONS = {
  metrics: { type: 'string' },
  variants: { type: 'string' },
  'variants-dir': { type: 'string' },
  out: { type: 'string' },
  service: { type: 'string' },
  main: { type: 'string' },
  bases: { type: 'string' },
  repeat: { type: 'string' },
  quick: { type: 'boolean' },
  link: { type: 'string' },
  'registry-port': { type: 'string' },
  'pull-concurrency': { type: 'string' },
  'pull-storage': { type: 'string' },
  bail: { type: 'boolean' },
  timeout: { type: 'string' },
  roles: { type: 'string' },
  force: { type: 'boolean' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  config: { type: 'string' },
  figure: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  run: [
    'metrics',
    'variants',
    'variants-dir',
    'out',
    'service',
    'main',
    'bases',
    'repeat',
    'quick',
    'link',
    'registry-port',
    'pull-concurrency',
    'pull-storage',
    'bail',
    'timeout',
    'config',
    'json',
  ],
  bases: ['roles', 'force', 'json'],
  doctor: ['json'],
  clean: ['all', 'json'],
  report: ['format'],
  compare: ['config', 'json'],
  history: ['figure'],
  claims: ['json'],
};

/** Positional arguments each command takes after its name. */
const POSITIONALS: Record<string, number> = { report: 1, compare: 2, history: 1, claims: 1 };

async function main(argv: string[]): Promise<number> {
  const output = createOutput();
  let debug = argv.includes('--debug');
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
    });
    debug = values.debug ?? false;
    const [command, ...extra] = positionals;
    if (values.help || !command || command === 'help') {
      output.result(HELP);
      return command || values.help ? 0 : 2;
    }
    const allowed = ALLOWED[command];
    if (!allowed)
      throw new UsageError(
        `Unknown command \`${command}\`; expected run, bases, doctor, clean, report, compare, history or claims (see \`imgbench --help\`)`,
      );
    if (extra.length > (POSITIONALS[command] ?? 0))
      throw new UsageError(
        `Unexpected argument \`${extra[POSITIONALS[command] ?? 0]}\` after \`${command}\``,
      );
    for (const key of Object.keys(values)) {
      if (key !== 'debug' && !allowed.includes(key)) {
        throw new UsageError(`Option \`--${key}\` does not apply to \`imgbench ${command}\``);
      }
    }
    if (command === 'doctor') return await doctorCommand(values, output);
    if (command === 'report') return await reportCommand(extra[0], values, output);
    if (command === 'compare') return await compareCommand(extra, values, output);
    if (command === 'history') return await historyCommand(extra[0], values, output);
    if (command === 'claims') return await claimsCommand(extra[0], values, output);
    const engine = await DockerEngine.connect();
    if (command === 'bases') return await basesCommand(engine, values, output);
    if (command === 'clean') return await cleanCommand(engine, values, output);
    return await runCommand(engine, values, output);
  } catch (error) {
    const usage = error instanceof UsageError || error instanceof EngineError;
    const parseError = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    // node's parseArgs message suggests `--` positionals, which no command takes.
    const message = parseError
      ? `${errorMessage(error).split('. ')[0]}; see \`imgbench --help\``
      : errorMessage(error);
    // One line: what was wrong, and the fix when there is one to name.
    const fix = error instanceof ImgbenchError && error.hint ? `; fix: ${error.hint}` : '';
    process.stderr.write(redact(`imgbench: ${message}${fix}\n`));
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return usage || parseError ? 2 : 1;
  }
}

// A reader that goes away (`imgbench doctor | head -2`) ends the output, not the program with a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
