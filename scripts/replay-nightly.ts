// `npx tsx scripts/replay-nightly.ts [--previous DIR] [--keep DIR] [--node-bin DIR]`
//
// Runs .github/workflows/nightly.yml's `run:` steps, in order and verbatim,
// in a fresh clone on this machine, as a hosted runner would: an engine
// already running, mmdebstrap not on PATH (hidden from the steps by a mount
// namespace of their own), `if:` conditions decided as GitHub decides them.
// Replaced, and nothing else (see nightly-replay/plan.ts):
//   `uses:` steps        left out; `--node-bin` is put first on PATH for setup-node,
//                        and `--keep` receives nightly-run/ for upload-artifact;
//   gh run list/download `--previous DIR` (a run folder, as the artifact holds) → previous/;
//   sudo                 run as is, by a `sudo` on PATH that keeps the env (we are root);
//   upstream registries  a registry on 127.0.0.1 with labelled test images under the
//                        Docker Hub names, and a build engine of its own whose config
//                        file mirrors Docker Hub to it (DOCKER_HOST for every step);
//                        gcr.io's distroless, which a Docker Hub mirror cannot serve, is
//                        put into that engine under its upstream name beforehand.
// Exits 0 when every step that ran succeeded within the job's timeout, the
// host's engine is the same process afterwards, and nothing of the replay is left.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UPSTREAM_IMAGES } from '../src/bases/base-roles.js';
import { STAND_IN_RECIPES } from '../src/bases/stand-in-recipes.js';
import { hostLeftovers } from '../test/engine/host-leftovers.js';
import { RegistryMirror } from '../test/engine/registry-mirror.js';
import { type ReplayStep, replayPlan, stepRuns } from './nightly-replay/plan.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    previous: { type: 'string' },
    keep: { type: 'string' },
    'node-bin': { type: 'string' },
  },
});

function say(line: string): void {
  process.stdout.write(`replay: ${line}\n`);
}

function fail(line: string): never {
  process.stderr.write(`replay: ${line}\n`);
  process.exit(2);
}

function sh(command: string, argv: string[]): string {
  return execFileSync(command, argv, { encoding: 'utf8' }).trim();
}

if (process.getuid?.() !== 0)
  fail('needs root (the mirror is a dockerd of its own); run it as root');
if (args.previous && !existsSync(join(args.previous, 'results.json'))) {
  fail(`--previous ${args.previous} holds no results.json; give a run folder (results/…/<run id>)`);
}

// The host's engine, already running, and proof afterwards that it is the same one.
const hostEngine = () => ({
  pid: existsSync('/var/run/docker.pid') ? readFileSync('/var/run/docker.pid', 'utf8').trim() : '',
  version: sh('docker', ['version', '--format', '{{.Server.Version}}']),
  docker0: spawnSync('ip', ['link', 'show', 'docker0']).status === 0,
});
let before: ReturnType<typeof hostEngine>;
try {
  before = hostEngine();
} catch {
  fail('no engine answers at the default socket; start one (`bash scripts/setup.sh`) and rerun');
}
say(`host engine: dockerd ${before.version}, pid ${before.pid || 'unknown'}`);

const missing = ['golang', 'golang-alpine', 'alpine', 'distroless-static']
  .map((role) => STAND_IN_RECIPES[role as keyof typeof STAND_IN_RECIPES].tag)
  .filter(
    (tag) => spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status !== 0,
  );
if (missing.length > 0) {
  fail(
    `the mirror serves the stand-ins, and ${missing.join(', ')} are missing: run \`node dist/cli/main.js bases\``,
  );
}

const work = mkdtempSync(join(tmpdir(), 'nightly-replay-'));
const clone = join(work, 'imgbench');
const bin = join(work, 'bin');
const summaryFile = join(work, 'step-summary.md');
let mirror: RegistryMirror | undefined;
let exitCode = 1;

const outcomes: Array<{ step: ReplayStep; outcome: string; seconds?: number }> = [];

async function replay(): Promise<void> {
  const branch = sh('git', ['-C', root, 'rev-parse', '--abbrev-ref', 'HEAD']);
  execFileSync('git', ['clone', '-q', root, clone]);
  const commit = sh('git', ['-C', clone, 'rev-parse', '--short', 'HEAD']);
  const plan = replayPlan(readFileSync(join(clone, '.github/workflows/nightly.yml'), 'utf8'));
  say(`fresh clone of ${branch} at ${commit}: ${clone}`);
  say(`job ${plan.job} (runs-on ${plan.runsOn}, timeout ${plan.timeoutMinutes} min)`);

  // sudo as is: we are root; the real sudo (absent here) would also drop DOCKER_HOST.
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(
    join(bin, 'sudo'),
    '#!/bin/sh\ncase "$1" in -*) echo "replay sudo: option $1 not handled" >&2; exit 2;; esac\nexec "$@"\n',
    { mode: 0o755 },
  );
  const path = [
    ...(args['node-bin'] ? [resolve(args['node-bin'])] : []),
    bin,
    process.env.PATH,
  ].join(':');
  const node = sh('env', [`PATH=${path}`, 'node', '--version']);
  say(`node ${node} (the workflow asks for ${plan.nodeVersion ?? 'none'})`);
  if (plan.nodeVersion && !node.startsWith(`v${plan.nodeVersion}.`)) {
    say(
      `warning: not the Node the workflow sets up; pass --node-bin with a Node ${plan.nodeVersion}`,
    );
  }

  // mmdebstrap, which a hosted runner lacks, is hidden from every step.
  const mmdebstrap = spawnSync('bash', ['-c', 'command -v mmdebstrap'], {
    encoding: 'utf8',
  }).stdout.trim();
  const hide = mmdebstrap ? `mount --bind /dev/null ${mmdebstrap} && ` : '';
  say(
    mmdebstrap ? `mmdebstrap (${mmdebstrap}) hidden from the steps` : 'mmdebstrap: not installed',
  );

  say(
    'starting the mirror: a registry with test images, a build engine that mirrors Docker Hub to it',
  );
  mirror = await RegistryMirror.start({ storage: 'disk' });
  mirror.docker(['tag', mirror.distroless, UPSTREAM_IMAGES['distroless-static']]);
  say(`mirror: registry ${mirror.registry.address}, build engine unix://${mirror.engine.socket}`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...plan.env,
    PATH: path,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: clone,
    GITHUB_REF_NAME: branch,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: work,
    DOCKER_HOST: `unix://${mirror.engine.socket}`,
    ...(args.previous ? { IMGBENCH_PREVIOUS_RUN: resolve(args.previous) } : {}),
  };
  writeFileSync(summaryFile, '');
  const started = performance.now();
  let failed = false;
  for (const [index, step] of plan.steps.entries()) {
    if (step.action === 'left-out') {
      outcomes.push({ step, outcome: 'left out' });
      continue;
    }
    if (!stepRuns(step.condition, failed, (p) => existsSync(join(clone, p)))) {
      outcomes.push({ step, outcome: 'skipped' });
      continue;
    }
    process.stdout.write(
      `\n── ${step.name}${step.replaced ? ` (replaced: ${step.replaced})` : ''}\n`,
    );
    const file = join(work, `step-${index + 1}.sh`);
    writeFileSync(file, step.script ?? '');
    const stepStarted = performance.now();
    // GitHub runs a step without `shell:` as `bash -e {0}`.
    const result = spawnSync(
      'unshare',
      ['--mount', '--propagation', 'private', '--', 'bash', '-c', `${hide}exec bash -e "$0"`, file],
      { cwd: clone, env: { ...env, ...step.env }, stdio: 'inherit' },
    );
    const seconds = (performance.now() - stepStarted) / 1000;
    const ok = result.status === 0;
    if (!ok) failed = true;
    outcomes.push({ step, outcome: ok ? 'ok' : `failed (exit ${result.status})`, seconds });
  }
  const minutes = (performance.now() - started) / 60_000;
  if (args.keep && existsSync(join(clone, 'nightly-run'))) {
    cpSync(join(clone, 'nightly-run'), resolve(args.keep), { recursive: true });
    say(`kept nightly-run/ in ${resolve(args.keep)}`);
  }

  process.stdout.write('\n');
  for (const { step, outcome, seconds } of outcomes) {
    const time = seconds === undefined ? '' : ` ${seconds.toFixed(0)} s`;
    say(
      `${outcome.padEnd(16)}${time.padStart(7)}  ${step.name}${step.replaced ? ` — ${step.replaced}` : ''}`,
    );
  }
  say(`steps took ${minutes.toFixed(1)} min of the job's ${plan.timeoutMinutes}`);
  process.stdout.write(`\n── step summary\n${readFileSync(summaryFile, 'utf8')}\n`);
  const inTime = minutes <= plan.timeoutMinutes;
  if (!inTime)
    say(`the job would have timed out (${minutes.toFixed(1)} > ${plan.timeoutMinutes} min)`);
  exitCode = failed || !inTime ? 1 : 0;
}

try {
  await replay();
} catch (error) {
  process.stderr.write(`replay: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 2;
} finally {
  await mirror?.stop().catch((e) => say(`could not stop the mirror: ${String(e)}`));
  rmSync(work, { recursive: true, force: true });
}

const after = hostEngine();
const sameEngine = after.pid === before.pid && after.docker0 === before.docker0;
say(
  sameEngine
    ? `host engine untouched: pid ${after.pid}, docker0 ${after.docker0 ? 'present' : 'absent'} as before`
    : `host engine changed: pid ${before.pid} → ${after.pid}, docker0 ${before.docker0} → ${after.docker0}`,
);
const left = hostLeftovers();
if (left.length > 0) say(`left on the host: ${left.join(', ')}`);
say(exitCode === 0 && sameEngine && left.length === 0 ? 'green' : 'not green');
process.exit(exitCode === 0 && sameEngine && left.length === 0 ? 0 : exitCode || 1);
