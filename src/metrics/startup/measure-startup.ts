import type { Engine } from '../../engine/engine.js';
import { type RuntimeOptions, startUntilReady } from '../../measure/container-runtime.js';
import type { Sample } from '../../measure/sampler.js';

export interface StartupDetail {
  createToReadyMs: number;
  startToReadyMs: number;
  probeAttempts: number;
}

/** One startup sample; the sample's duration is start → ready. The container is removed after. */
export async function measureStartup(
  engine: Engine,
  image: string,
  options: RuntimeOptions,
): Promise<Sample<StartupDetail>> {
  const started = await startUntilReady(engine, image, options);
  await engine.removeContainer(started.id);
  const startToReadyMs = started.readyMs - started.startMs;
  return {
    durationMs: startToReadyMs,
    detail: {
      createToReadyMs: started.readyMs - started.createMs,
      startToReadyMs,
      probeAttempts: started.attempts,
    },
  };
}
