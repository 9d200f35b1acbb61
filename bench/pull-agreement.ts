/**
 * Does imgbench's cold pull agree with `time docker pull` on a fresh engine?
 * Pushes one variant image to a registry of its own, then for each trial
 * times `docker pull` (the CLI) on a brand-new dockerd and imgbench's pull on
 * a dockerd that pulled the image and was emptied the way a run empties it.
 *
 * Both engines are of one kind: `--dockerd` (default: the one on PATH) with
 * `--image-store` (classic, or containerd: the containerd image store).
 *
 * Usage: npm run bench:pull -- [--image imgbench/sample:golang] [--trials 10] [--storage memory|disk]
 *          [--dockerd /path/to/dockerd] [--image-store classic|containerd]
 */
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { DockerEngine } from '../src/engine/docker-engine.js';
import { engineName, IMAGE_STORES, type ImageStore } from '../src/engine/engine.js';
import { summarize } from '../src/measure/statistics.js';
import {
  IsolatedEngine,
  PULL_STORAGES,
  type PullStorage,
} from '../src/second-engine/isolated-engine.js';
import { LocalRegistry } from '../src/second-engine/registry.js';

const { values } = parseArgs({
  options: {
    image: { type: 'string', default: 'imgbench/sample:golang' },
    // One cold pull varies by ±8 % here from trial to trial; with 4 trials the
    // medians of the two sides differed by 0.4–6.7 % from run to run, with 10 by 0.9 %.
    trials: { type: 'string', default: '10' },
    storage: { type: 'string', default: 'memory' },
    dockerd: { type: 'string' },
    'image-store': { type: 'string', default: 'classic' },
  },
});
if (!IMAGE_STORES.includes(values['image-store'] as ImageStore)) {
  console.error(
    `--image-store must be one of ${IMAGE_STORES.join(', ')}, got \`${values['image-store']}\``,
  );
  process.exit(2);
}
const kind = {
  imageStore: values['image-store'] as ImageStore,
  ...(values.dockerd ? { dockerd: values.dockerd } : {}),
};

if (!PULL_STORAGES.includes(values.storage as PullStorage)) {
  console.error(`--storage must be one of ${PULL_STORAGES.join(', ')}, got \`${values.storage}\``);
  process.exit(2);
}
const storage = values.storage as PullStorage;
const engine = await DockerEngine.connect();
const registry = await LocalRegistry.start({ runId: 'bench-pull' });
const cli: number[] = [];
let engineLabel = '';
const ours: number[] = [];
try {
  const reference = registry.reference(values.image);
  await engine.tagImage(values.image, reference);
  await engine.pushImage(reference, 600_000);
  await engine.removeImage(reference);
  for (let trial = 0; trial < Number(values.trials); trial++) {
    // Two engines per trial: a brand-new one for the CLI, and one that has
    // pulled the image and been emptied, as a run's engine is before a sample.
    // Who goes first alternates, so that a disk slowing down over the trials
    // does not always land on the same side.
    const fresh = await IsolatedEngine.start(`bp-fresh-${trial}`, { storage, ...kind });
    const emptied = await IsolatedEngine.start(`bp-empty-${trial}`, { storage, ...kind });
    try {
      engineLabel ||= engineName(await fresh.engine.info());
      await emptied.engine.pullImage(reference, 600_000);
      await emptied.empty();
      const timeCli = async () => {
        await execa('sync');
        const started = performance.now();
        await execa('docker', ['-H', `unix://${fresh.socket}`, 'pull', '-q', reference]);
        cli.push(performance.now() - started);
      };
      const timeOurs = async () => {
        await execa('sync');
        ours.push((await emptied.engine.pullImage(reference, 600_000)).durationMs);
      };
      if (trial % 2 === 0) {
        await timeCli();
        await timeOurs();
      } else {
        await timeOurs();
        await timeCli();
      }
    } finally {
      await fresh.stop();
      await emptied.stop();
    }
    console.log(
      `trial ${trial + 1} (${trial % 2 === 0 ? 'docker first' : 'imgbench first'}): docker pull on a fresh engine ${(cli.at(-1) ?? 0).toFixed(0)} ms, imgbench on an emptied engine ${(ours.at(-1) ?? 0).toFixed(0)} ms`,
    );
  }
} finally {
  await registry.stop();
}
const range = (samples: number[]) =>
  `${Math.min(...samples).toFixed(0)}–${Math.max(...samples).toFixed(0)} ms`;
const [a, b] = [summarize(ours).p50, summarize(cli).p50];
// The pull timed first and the one timed second in each trial (docker first in
// even trials): the second runs on a machine the first has just worked, which
// shows here as a few per cent.
const first = cli.map((c, i) => (i % 2 === 0 ? c : (ours[i] as number)));
const second = cli.map((c, i) => (i % 2 === 0 ? (ours[i] as number) : c));
const [f, g] = [summarize(first).p50, summarize(second).p50];
console.log(
  `spread: imgbench ${range(ours)}, docker pull ${range(cli)}; order: the pull timed second p50 ${(((g - f) / f) * 100).toFixed(1)} % against the one timed first`,
);
console.log(
  `${values.image} (${storage} storage, ${engineLabel}): imgbench p50 ${a.toFixed(0)} ms, docker pull p50 ${b.toFixed(0)} ms, difference ${(((a - b) / b) * 100).toFixed(1)} %`,
);
