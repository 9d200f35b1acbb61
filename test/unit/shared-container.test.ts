import { describe, expect, it } from 'vitest';
import type { Sample } from '../../src/measure/sampler.js';
import type { StageContext } from '../../src/metrics/metric.js';
import { measureTogether, type PartTaken, plannedMs } from '../../src/metrics/repeated.js';
import type { RunResult, VariantResult } from '../../src/metrics/run-result.js';
import { RoundPlanner } from '../../src/metrics/sampling.js';
import { readRun } from '../../src/results/read-run.js';
import { DEFAULT_RUN } from '../fixtures.js';
import { runMetric, variant } from './metrics/metric-run.js';

/** The containers the isolated engine created for a variant. */
const created = (calls: ReadonlyArray<{ engine: string; operation: string; variant: string }>) => {
  const by: Record<string, number> = {};
  for (const c of calls) {
    if (c.engine === 'isolated' && c.operation === 'create')
      by[c.variant] = (by[c.variant] ?? 0) + 1;
  }
  return by;
};

describe('startup and memory in one container per variant and round', () => {
  it('reads memory in the container whose start a startup sample times', async () => {
    const { run, engine, stages } = await runMetric(
      'startup',
      {},
      {
        metrics: ['size', 'startup', 'memory'],
        repeat: 3,
      },
    );
    for (const name of ['scratch', 'distroless']) {
      const v = variant(run, name);
      if (v.state !== 'ok') throw new Error(`${name} is ${v.state}`);
      expect(v.startup?.startToReadyMs.n).toBe(3);
      expect(v.memory?.loadRssBytes.n).toBe(3);
    }
    // Three rounds, one container each, and one warm-up start of the first variant.
    const counts = created(engine.calls);
    expect(Object.values(counts).sort()).toEqual([3, 4]);
    expect(stages).toContain(
      'startup and memory: one container of each variant a round serves each of them while it samples that variant',
    );
  });
});

/**
 * Two parts on a kept run's variants: `a` decided once it has 4 rounds, `b`
 * never (its cap ends it); `take` answers from a script.
 */
async function together(options: {
  failB?: (variant: string, round: number) => boolean;
  failShared?: (variant: string, round: number) => boolean;
  planner?: RoundPlanner;
  ownMs?: number;
  bail?: boolean;
}) {
  const start = await readRun(DEFAULT_RUN);
  const base: RunResult = {
    ...start,
    variants: start.variants.filter((v) => v.name === 'scratch' || v.name === 'distroless'),
  };
  const wantedLog: Array<{ variant: string; round: number; wanted: string[] }> = [];
  const stages: string[] = [];
  const count = (run: RunResult, key: 'a' | 'b') =>
    Math.min(
      ...run.variants.map((v) => ((v as unknown as Record<string, number>)[key] ?? 0) as number),
    );
  const ctx = {
    options: { looks: { startup: [2, 4, 8], memory: [2, 4, 6] }, bail: options.bail ?? false },
    questions: {
      asked: (_: RunResult, figures: readonly string[]) => figures.map((f) => `q ${f}`),
      open: (run: RunResult, figures: readonly string[]) =>
        figures.includes('a') ? (count(run, 'a') >= 4 ? [] : ['q a']) : ['q b'],
      contenders: (run: RunResult) =>
        run.variants.filter((v) => v.state === 'ok').map((v) => v.name),
    },
    planner: options.planner,
    onStage: (message: string) => stages.push(message),
    save: async () => {},
  } as unknown as StageContext;
  const part = (metric: 'startup' | 'memory', key: 'a' | 'b') => ({
    metric,
    failureStage: metric,
    rounds: 8,
    figures: [key],
    attach: (v: VariantResult, samples: Array<Sample<unknown>>) =>
      ({ ...v, [key]: samples.length }) as VariantResult,
  });
  const run = await measureTogether(
    ctx,
    base,
    [part('startup', 'a'), part('memory', 'b')],
    async (v, _labels, round, wanted) => {
      wantedLog.push({ variant: v.name, round, wanted: [...wanted].sort() });
      if (options.failShared?.(v.name, round)) throw new Error('the container did not start');
      const taken = new Map<string, PartTaken>();
      for (const metric of wanted) {
        const failing = metric === 'memory' && options.failB?.(v.name, round);
        taken.set(
          metric,
          failing
            ? { error: new Error('no memory cgroup'), ownMs: options.ownMs ?? 0 }
            : { sample: { durationMs: 1, detail: {} }, ownMs: options.ownMs ?? 0 },
        );
      }
      return taken;
    },
  );
  return { run, wantedLog, stages };
}

const field = (run: RunResult, name: string, key: string) =>
  (run.variants.find((v) => v.name === name) as unknown as Record<string, unknown>)[key];

describe('measureTogether', () => {
  it('samples a variant while any part wants it, for the parts that do, each on its own looks', async () => {
    const { run, wantedLog } = await together({});
    // `a` decides at its look after 4; `b` takes its most, 6.
    expect(run.sampling?.startup).toMatchObject({ rounds: 4, stoppedBy: 'decided', undecided: [] });
    expect(run.sampling?.memory).toMatchObject({
      rounds: 6,
      looks: [2, 4, 6],
      stoppedBy: 'most',
      undecided: ['q b'],
    });
    const scratch = wantedLog.filter((w) => w.variant === 'scratch');
    expect(scratch.map((w) => w.wanted.join('+'))).toEqual([
      'memory+startup',
      'memory+startup',
      'memory+startup',
      'memory+startup',
      'memory',
      'memory',
    ]);
    expect(field(run, 'scratch', 'a')).toBe(4);
    expect(field(run, 'scratch', 'b')).toBe(6);
  });

  it("a part's own failure fails the variant at that part's stage; the other part keeps sampling it and its figures stay", async () => {
    const { run, wantedLog } = await together({
      failB: (v, round) => v === 'scratch' && round === 1,
    });
    const scratch = run.variants.find((v) => v.name === 'scratch');
    expect(scratch).toMatchObject({ state: 'failed', failure: { stage: 'memory' }, a: 4 });
    expect(wantedLog.filter((w) => w.variant === 'scratch').map((w) => w.wanted.join('+'))).toEqual(
      ['memory+startup', 'memory+startup', 'startup', 'startup'],
    );
    expect(field(run, 'distroless', 'b')).toBe(6);
  });

  it('a failure of the shared work fails the variant at the first part and ends its rounds for every part', async () => {
    const { run, wantedLog } = await together({
      failShared: (v, round) => v === 'scratch' && round === 2,
    });
    expect(run.variants.find((v) => v.name === 'scratch')).toMatchObject({
      state: 'failed',
      failure: { stage: 'startup', message: 'the container did not start' },
    });
    expect(wantedLog.filter((w) => w.variant === 'scratch')).toHaveLength(3);
    expect(field(run, 'distroless', 'b')).toBe(6);
  });

  it('prices the rounds to come with the shared work once a variant a round, and each part its own', () => {
    // A samples x and y to round 4, B samples x to round 6; shared work 100 ms a
    // variant, A's own 0, B's own 50: rounds 3–4 cost 100·2 + 50, rounds 5–6 100 + 50.
    const a = { going: ['x', 'y'], until: 4, ownMs: () => 0 };
    const b = { going: ['x'], until: 6, ownMs: () => 50 };
    expect(plannedMs(2, [a, b], () => 100)).toBe(2 * 250 + 2 * 150);
    // Alone, each pays the shared work of its own variants.
    expect(plannedMs(2, [a], () => 100)).toBe(2 * 200);
    expect(plannedMs(2, [b], () => 100)).toBe(4 * 150);
    expect(plannedMs(6, [a, b], () => 100)).toBe(0);
  });

  it('takes no part past its first look when no time is left, and every round planned when it is', async () => {
    const fits = await together({ planner: new RoundPlanner(Date.now() + 60_000, []) });
    expect(fits.run.sampling?.memory).toMatchObject({ rounds: 6, stoppedBy: 'most' });
    const none = await together({ planner: new RoundPlanner(Date.now() - 1, []) });
    expect(none.run.sampling?.startup).toMatchObject({ rounds: 2, stoppedBy: 'budget' });
    expect(none.run.sampling?.memory).toMatchObject({ rounds: 2, stoppedBy: 'budget' });
  });
});
