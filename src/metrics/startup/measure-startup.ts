import type { Started } from '../../measure/container-runtime.js';
import type { Sample } from '../../measure/sampler.js';

export interface StartupDetail {
  createToReadyMs: number;
  startToReadyMs: number;
  probeAttempts: number;
}

/** One startup sample: the container's own start → ready, as startUntilReady timed it. */
export function startupSample(started: Started): Sample<StartupDetail> {
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
