/**
 * Does imgbench's cold pull agree with `time docker pull` on a fresh engine?
 * Pushes one variant image to a registry of its own, then for each trial
 * starts a brand-new dockerd (nothing in it), times `docker pull` with the
 * CLI, empties that engine the way a run does and times imgbench's pull.
 *
 * Usage: npm run bench:pull -- [--image imgbench/sample:golang] [--trials 3]
 */
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { DockerEngine } from '../src/engine/docker-engine.js';
import { summarize } from '../src/measure/statistics.js';
import { IsolatedEngine } from '../src/pull/isolated-engine.js';
import { LocalRegistry } from '../src/pull/registry.js';

const { values } = parseArgs({
  options: {
    image: { type: 'string', default: 'imgbench/sample:golang' },
    trials: { type: 'string', default: '3' },
  },
});

const engine = await DockerEngine.connect();
const registry = await LocalRegistry.start({ runId: 'bench-pull' });
const cli: number[] = [];
const ours: number[] = [];
try {
  const reference = registry.reference(values.image);
  await engine.tagImage(values.image, reference);
  await engine.pushImage(reference, 600_000);
  await engine.removeImage(reference);
  for (let trial = 0; trial < Number(values.trials); trial++) {
    const fresh = await IsolatedEngine.start(`bench-pull-${trial}`);
    try {
      const started = performance.now();
      await execa('docker', ['-H', `unix://${fresh.socket}`, 'pull', '-q', reference]);
      cli.push(performance.now() - started);
      await fresh.empty();
      ours.push((await fresh.engine.pullImage(reference, 600_000)).durationMs);
    } finally {
      await fresh.stop();
    }
    console.log(
      `trial ${trial + 1}: docker pull on a fresh engine ${(cli.at(-1) ?? 0).toFixed(0)} ms, imgbench on the emptied engine ${(ours.at(-1) ?? 0).toFixed(0)} ms`,
    );
  }
} finally {
  await registry.stop();
}
const [a, b] = [summarize(ours).p50, summarize(cli).p50];
console.log(
  `${values.image}: imgbench p50 ${a.toFixed(0)} ms, docker pull p50 ${b.toFixed(0)} ms, difference ${(((a - b) / b) * 100).toFixed(1)} %`,
);
