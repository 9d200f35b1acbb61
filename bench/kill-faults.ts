/**
 * Kills runs at random points and checks that the next start leaves nothing:
 * for each trial, starts a short run (size, pull over a shaped link, startup,
 * memory), sends SIGINT, SIGTERM or SIGKILL (in turn) after a random delay,
 * then starts a new run, which first removes what dead runs left. After each
 * trial: no labelled container, no second dockerd, containerd, shim, registry
 * or service process, no imgbench bridge, qdisc, netns, mount or folder, and
 * every results.json in the output folder parses.
 *
 * Usage: npm run bench:kills -- [--trials 10] [--max-delay 25] [--seed N]
 *          [--metrics size,pull,startup,memory]
 * With `--metrics size,build` the kills land in the build scenarios (cold
 * builds take ~15 s each); with the default, in pulls, startup and memory.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { packageRoot } from '../src/paths.js';
import {
  buildMetricImages,
  hostLeftovers,
  labelledContainers,
} from '../test/engine/host-leftovers.js';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    'max-delay': { type: 'string', default: '25' },
    seed: { type: 'string' },
    metrics: { type: 'string', default: 'size,pull,startup,memory' },
  },
});

// A small deterministic generator, so a failing trial can be replayed with --seed.
let state = Number(values.seed ?? Date.now() % 2 ** 31);
const seed = state;
const random = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
};

const cli = join(packageRoot(), 'dist/cli/main.js');
const out = join(tmpdir(), `imgbench-kills-${process.pid}`);
const signals = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
const run = [
  'run',
  '--metrics',
  values.metrics,
  '--variants',
  'scratch,multi-stage',
  '--link',
  '50mbit',
  '--repeat',
  '3',
  '--out',
  out,
];
let failures = 0;
console.log(`seed ${seed}; ${values.trials} trials; output in ${out}`);
for (let trial = 0; trial < Number(values.trials); trial++) {
  const signal = signals[trial % signals.length] ?? 'SIGKILL';
  const delayMs = Math.round((1 + random() * (Number(values['max-delay']) - 1)) * 1000);
  const child = execa(process.execPath, [cli, ...run], {
    reject: false,
    env: { CI: '1' },
    all: true,
  });
  await new Promise((r) => setTimeout(r, delayMs));
  const lastStage = () =>
    String(child.all ?? '')
      .trim()
      .split('\n')
      .at(-1) ?? '';
  child.kill(signal);
  const ended = await Promise.race([
    child,
    new Promise<undefined>((r) => setTimeout(() => r(undefined), 120_000)),
  ]);
  if (!ended) {
    child.kill('SIGKILL');
    await child;
  }
  const how = ended ? `exit ${ended.exitCode ?? ended.signal}` : 'did not exit within 120 s';
  const lastLine = (ended ? String(ended.all).trim().split('\n') : [lastStage()])
    .filter((l) => !l.startsWith('imgbench: SIG'))
    .at(-1);
  // The new start: a short run, which first removes what dead runs left.
  const next = await execa(
    process.execPath,
    [cli, 'run', '--metrics', 'size', '--variants', 'scratch', '--out', out],
    { reject: false, env: { CI: '1' }, all: true },
  );
  const reaped = String(next.all).match(/removed what earlier runs left: (.*)/)?.[1] ?? 'nothing';
  const left = [
    ...hostLeftovers(),
    ...labelledContainers().map((id) => `container ${id}`),
    ...buildMetricImages().map((id) => `build-scenario image ${id}`),
  ];
  const unreadable = readdirSync(out)
    .filter((d) => /^\d{8}-/.test(d))
    .filter((d) => {
      try {
        JSON.parse(readFileSync(join(out, d, 'results.json'), 'utf8'));
        return false;
      } catch {
        return true;
      }
    });
  const ok = left.length === 0 && unreadable.length === 0 && next.exitCode === 0 && ended;
  if (!ok) failures++;
  console.log(
    `trial ${trial + 1}: ${signal} after ${(delayMs / 1000).toFixed(1)} s (during: ${lastLine}) → ${how}; next start removed: ${reaped.length > 160 ? `${reaped.slice(0, 160)}…` : reaped}; ${ok ? 'nothing left, every results.json parses' : `LEFT: ${left.join('; ') || 'nothing'}; unreadable: ${unreadable.join(', ') || 'none'}; next start exit ${next.exitCode}`}`,
  );
}
const runs = readdirSync(out).filter((d) => /^\d{8}-/.test(d)).length;
console.log(
  `${failures === 0 ? 'all trials clean' : `${failures} trial(s) left something`}; ${runs} results.json read`,
);
rmSync(out, { recursive: true, force: true });
process.exit(failures === 0 ? 0 : 1);
