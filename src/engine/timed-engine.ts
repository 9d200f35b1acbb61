import type { Engine } from './engine.js';

/** Time spent inside engine calls, by method. */
export interface EngineTime {
  /** Sum over all calls, ms (calls that overlap are each counted). */
  totalMs: number;
  calls: number;
  byMethod: Record<string, { calls: number; totalMs: number }>;
}

/**
 * Wraps an Engine and times every call, so a run can tell how much of its
 * wall time went to Docker operations and how much to imgbench itself.
 */
export function timedEngine(
  inner: Engine,
  /** Adds to this tally instead of a new one (two engines, one run). */
  time: EngineTime = { totalMs: 0, calls: 0, byMethod: {} },
): { engine: Engine; time: EngineTime } {
  const engine = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          const ms = performance.now() - started;
          const name = String(property);
          const entry = time.byMethod[name] ?? { calls: 0, totalMs: 0 };
          time.byMethod[name] = entry;
          entry.calls++;
          entry.totalMs += ms;
          time.calls++;
          time.totalMs += ms;
        }
      };
    },
  });
  return { engine, time };
}
