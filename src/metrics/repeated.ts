import { BASE_BUILD_ARGS } from '../bases/base-roles.js';
import { LABEL_RUN_ID, LABEL_VARIANT } from '../engine/labels.js';
import { runRounds, type Sample } from '../measure/sampler.js';
import { summarize } from '../measure/statistics.js';
import { type ServiceSource, serviceBuildArgs } from '../service/service-context.js';
import type { StageContext } from './metric.js';
import type { MetricName } from './registry.js';
import type {
  OkVariant,
  RunResult,
  VariantFailure,
  VariantIdentity,
  VariantResult,
} from './run-result.js';
import { type Sampling, samplingKey } from './sampling.js';
import { toFailure } from './variant-failure.js';

/**
 * Build ARGs of a variant: its base images, the main package and, when the
 * context is a folder above the service, the service's folder in it.
 */
export function buildArgsFor(
  id: VariantIdentity,
  service: { mainPackage: string; source: ServiceSource },
): Record<string, string> {
  const args = serviceBuildArgs(service);
  for (const base of id.bases) args[BASE_BUILD_ARGS[base.role]] = base.image;
  return args;
}

/** The variant as failed at `stage`, keeping the figures it has. */
export function failed(
  variant: OkVariant,
  stage: VariantFailure['stage'],
  error: unknown,
): VariantResult {
  return { ...variant, state: 'failed', failure: toFailure(stage, error) };
}

/** The run with each variant replaced by `update`'s answer for it. */
export function withVariants(
  run: RunResult,
  update: (v: VariantResult, index: number) => VariantResult,
): RunResult {
  return { ...run, variants: run.variants.map(update) };
}

export const okVariants = (run: RunResult): OkVariant[] =>
  run.variants.filter((v): v is OkVariant => v.state === 'ok');

/**
 * Under `--bail`, whether a variant has failed: then no later step starts,
 * and the run ends marked `stoppedBy: 'bail'`.
 */
export function bailedOut(ctx: Pick<StageContext, 'options'>, run: RunResult): boolean {
  return ctx.options.bail && run.variants.some((v) => v.state === 'failed');
}

/** What a repeated measurement records, decides on and keeps of its samples. */
export interface RepeatedPart<T> {
  /** The metric, as sample events name it. */
  metric: string;
  /** How a failure of it is recorded (`VariantFailure.stage`). */
  failureStage: VariantFailure['stage'];
  rounds: number;
  /** The variant with its samples' result. */
  attach: (variant: OkVariant, samples: Array<Sample<T>>) => VariantResult;
  /** What else tells the samples apart, e.g. the link of a pull. */
  note?: string;
  /**
   * The figures its samples make (`pull unlimited`): the rounds go on, at the
   * looks the options plan for the metric, until the questions asked of them
   * are decided. None: the rounds planned are taken.
   */
  figures?: readonly string[];
}

export interface RepeatedMeasurement<T> extends RepeatedPart<T> {
  measure: (
    variant: OkVariant,
    labels: Record<string, string>,
    round: number,
  ) => Promise<Sample<T>>;
}

/** What one sample gave a part that took it: its sample, or the error of its own work; and that work's wall time, ms. */
export type PartTaken = ({ sample: Sample<unknown> } | { error: unknown }) & { ownMs: number };

/**
 * One sample of a variant for each part `wanted` (by metric), taken in one
 * go: startup's and memory's in one container. Throws when the work they
 * share fails (every part's sample of the variant fails then).
 */
export type TakeTogether = (
  variant: OkVariant,
  labels: Record<string, string>,
  round: number,
  wanted: ReadonlySet<string>,
) => Promise<Map<string, PartTaken>>;

/** `7, 16`: a list of rounds in words. */
const roundList = (looks: readonly number[]) => looks.join(', ');

/** What a measurement will do, said before its first round. */
function planWords(key: string, looks: readonly number[], questions: readonly string[]): string {
  const rounds = `${looks[0]} round${looks[0] === 1 ? '' : 's'}`;
  if (questions.length === 0) return `${key}: ${rounds} (no question of the answer asks for it)`;
  if (looks.length === 1) {
    return `${key}: ${rounds} (fixed), then ${questions.map((q) => `"${q}"`).join(' and ')} is judged on them`;
  }
  return `${key}: ${looks[0]} rounds, then up to ${looks.at(-1)} until ${questions.map((q) => `"${q}"`).join(' and ')} is decided (looks after ${roundList(looks)} rounds) and while the budget allows`;
}

/** A part's rounds to come, as the budget prices them: its variants up to the round of its next look. */
export interface RoundsToCome {
  going: readonly string[];
  until: number;
  /** The wall time of its own work in a sample of a variant, ms. */
  ownMs: (variant: string) => number;
}

/**
 * The wall time, ms, of the rounds after `done` as planned: each round, the
 * work the parts share (`sharedMs`) once for each variant any of them
 * samples that round, and each part's own work for each of its variants.
 */
export function plannedMs(
  done: number,
  plans: readonly RoundsToCome[],
  sharedMs: (variant: string) => number,
): number {
  let ms = 0;
  for (let round = done + 1; round <= Math.max(done, ...plans.map((p) => p.until)); round++) {
    const during = plans.filter((p) => p.until >= round);
    for (const n of new Set(during.flatMap((p) => p.going))) ms += sharedMs(n);
    for (const p of during) for (const n of p.going) ms += p.ownMs(n);
  }
  return ms;
}

/** A part's rounds as they go: its looks, the variants it still samples, its samples. */
interface PartRounds {
  part: RepeatedPart<unknown>;
  key: string;
  figures: readonly string[];
  looks: readonly number[];
  /** The most rounds it takes. */
  rounds: number;
  /** The variants it samples next round. */
  going: string[];
  /** Whether it takes no more rounds. */
  over: boolean;
  stoppedBy?: Sampling['stoppedBy'];
  lastLook?: number;
  narrowed: NonNullable<Sampling['narrowed']>;
  samples: Map<string, Array<Sample<unknown>>>;
  failures: Map<string, unknown>;
  /** Wall time of its own work in each sample of a variant, ms. */
  ownMs: Map<string, number[]>;
}

const mean = (xs: readonly number[] | undefined) =>
  xs?.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;

/** Adds `ms` to the times kept for `name`. */
const addTime = (times: Map<string, number[]>, name: string, ms: number) => {
  const kept = times.get(name);
  if (kept) kept.push(ms);
  else times.set(name, [ms]);
};

/** The run with each variant's samples of `p` attached, or failed at its stage. */
const withSamplesOf = (run: RunResult, p: PartRounds) =>
  withVariants(run, (v) => {
    if (v.state !== 'ok') return v;
    if (p.failures.has(v.name)) return failed(v, p.part.failureStage, p.failures.get(v.name));
    return p.part.attach(v, p.samples.get(v.name) ?? []);
  });

/**
 * Runs one repeated measurement over every variant still ok, in shuffled
 * rounds, and returns the run with its results; a variant whose measurement
 * fails becomes `failed` with the reason and its log tail, and the others go
 * on. The run folder is rewritten after.
 */
export function measureRepeated<T>(
  ctx: StageContext,
  run: RunResult,
  m: RepeatedMeasurement<T>,
): Promise<RunResult> {
  return measureTogether(ctx, run, [m as RepeatedPart<unknown>], async (variant, labels, round) => {
    const sample = await m.measure(variant, labels, round);
    // Nothing is shared: the whole sample is the measurement's own.
    return new Map([[m.metric, { sample, ownMs: 0 }]]);
  });
}

/**
 * Repeated measurements whose samples are taken together (`take`): one
 * round loop, in which each part has its own looks, decisions, narrowing
 * and record, and a variant is sampled while any part still wants it, for
 * the parts that do. A part's samples of a variant are always its first
 * rounds (a part never takes a variant back), so its pairs stay round by
 * round. The budget is checked for all of them at once: a part goes on to
 * its next look when the rounds of every part still going, each to its
 * next look, fit the time left, counting once per round the work they share.
 */
export async function measureTogether(
  ctx: StageContext,
  run: RunResult,
  parts: ReadonlyArray<RepeatedPart<unknown>>,
  take: TakeTogether,
): Promise<RunResult> {
  const ok = okVariants(run);
  const names = ok.map((v) => v.name);
  const states: PartRounds[] = parts.map((part) => {
    const figures = part.figures ?? [];
    const asked = ctx.questions?.asked(run, figures) ?? [];
    const planned = ctx.options.looks[part.metric as MetricName] ?? [part.rounds];
    const looks = asked.length > 0 ? planned : [planned[0] ?? part.rounds];
    const key = samplingKey(part.metric, part.note);
    ctx.planner?.start(key);
    ctx.onStage?.(planWords(key, looks, asked));
    return {
      part,
      key,
      figures,
      looks,
      rounds: looks.at(-1) ?? part.rounds,
      going: [...names],
      over: false,
      narrowed: [],
      samples: new Map(names.map((n) => [n, []])),
      failures: new Map(),
      ownMs: new Map(),
    };
  });
  if (states.length > 1) {
    ctx.onStage?.(
      `${states.map((s) => s.key).join(' and ')}: one container of each variant a round serves each of them while it samples that variant`,
    );
  }
  const roundOf = new Map<string, number>();
  // Wall time of each variant's samples less the parts' own work: the work
  // they share (a container's start, ready and removal), ms.
  const sharedMs = new Map<string, number[]>();
  /** A round of `names` for `p` alone, ms: what it would cost were no other part sampling. */
  const aloneMs = (p: PartRounds, of: readonly string[]) =>
    of.reduce((ms, n) => ms + mean(sharedMs.get(n)) + mean(p.ownMs.get(n)), 0);
  type Plan = { p: PartRounds; going: readonly string[]; until: number };
  const planMs = (done: number, plans: readonly Plan[]) =>
    plannedMs(
      done,
      plans.map(({ p, going, until }) => ({ going, until, ownMs: (n) => mean(p.ownMs.get(n)) })),
      (n) => mean(sharedMs.get(n)),
    );
  const nextLook = (p: PartRounds, done: number) =>
    p.lastLook ?? p.looks.find((l) => l > done) ?? p.rounds;

  /** A part's look after `done` rounds: stops it, narrows it, or brings its last look forward. */
  const look = (p: PartRounds, done: number) => {
    const now = withSamplesOf(run, p);
    if ((ctx.questions?.open(now, p.figures) ?? []).length === 0) {
      p.stoppedBy = 'decided';
      p.over = true;
      return;
    }
    // Only the variants an open question still compares go on.
    const contenders = (ctx.questions?.contenders(now, p.figures) ?? p.going).filter(
      (name) => p.going.includes(name) && !p.failures.has(name),
    );
    const next = nextLook(p, done);
    const narrows = () => {
      if (contenders.length === 0 || contenders.length >= p.going.length) return false;
      p.narrowed.push({ after: done, variants: contenders, msPerRound: aloneMs(p, contenders) });
      return true;
    };
    const others: Plan[] = states
      .filter((q) => q !== p && !q.over)
      .map((q) => ({ p: q, going: q.going, until: nextLook(q, done) }));
    const share = ctx.planner?.shareMs() ?? Number.POSITIVE_INFINITY;
    const fits = (until: number) =>
      planMs(done, [...others, { p, going: contenders, until }]) <= share;
    if (!fits(next)) {
      p.stoppedBy = 'budget';
      // The rounds that fit, then the next look there: it stays one of
      // the looks planned, so the error each spends is unchanged.
      let fit = next - done - 1;
      while (fit >= 1 && !fits(done + fit)) fit--;
      if (fit < 1 || contenders.length === 0) {
        p.over = true;
        return;
      }
      p.lastLook = done + fit;
      ctx.onStage?.(
        `${p.key}: the ${next - done} rounds to the look after ${next} do not fit the budget; ${fit} more of ${contenders.join(', ')}, then the last look after ${p.lastLook}`,
      );
      narrows();
      p.going = contenders;
      return;
    }
    if (narrows()) {
      p.going = contenders;
      ctx.onStage?.(
        `${p.key}: after ${done} rounds only ${contenders.join(', ')} go on (every other question on them decided)`,
      );
    }
  };

  const rounds = Math.max(...states.map((s) => s.rounds));
  const { failures } = await runRounds(
    names,
    async (name) => {
      const variant = ok.find((v) => v.name === name) as OkVariant;
      const round = roundOf.get(name) ?? 0;
      roundOf.set(name, round + 1);
      const wanting = states.filter(
        (s) => !s.over && s.going.includes(name) && !s.failures.has(name),
      );
      const started = performance.now();
      const taken = await take(
        variant,
        { [LABEL_RUN_ID]: run.runId, [LABEL_VARIANT]: name },
        round,
        new Set(wanting.map((s) => s.part.metric)),
      ).catch((error: unknown) => {
        addTime(sharedMs, name, performance.now() - started);
        throw error;
      });
      let own = 0;
      let durationMs = 0;
      for (const s of wanting) {
        const got = taken.get(s.part.metric);
        if (!got) continue;
        own += got.ownMs;
        addTime(s.ownMs, name, got.ownMs);
        if ('error' in got) {
          s.failures.set(name, got.error);
          continue;
        }
        s.samples.get(name)?.push(got.sample);
        if (s === wanting[0]) durationMs = got.sample.durationMs;
        ctx.onSample?.({
          metric: s.part.metric,
          variant: name,
          round,
          rounds: s.rounds,
          durationMs: got.sample.durationMs,
          ...(s.part.note ? { note: s.part.note } : {}),
        });
      }
      addTime(sharedMs, name, performance.now() - started - own);
      return { durationMs, detail: undefined };
    },
    {
      rounds,
      // After every round: each part looks at its own looks, and ends at its own most.
      stopAt: async (done, _samples, shared) => {
        for (const s of states) {
          for (const [name, error] of shared)
            if (!s.failures.has(name)) s.failures.set(name, error);
          if (s.over) continue;
          if (done >= s.rounds || done === s.lastLook) s.over = true;
          else if (s.looks.includes(done)) look(s, done);
        }
        if (ctx.options.bail && states.some((s) => s.failures.size > 0)) return true;
        const going = states.filter((s) => !s.over);
        if (going.length === 0) return true;
        return [...new Set(going.flatMap((s) => s.going))];
      },
      stopAfterFailure: ctx.options.bail,
    },
  );
  let measured = run;
  for (const s of states) {
    for (const [name, error] of failures) if (!s.failures.has(name)) s.failures.set(name, error);
    measured = withSamplesOf(measured, s);
  }
  const sampling: Record<string, Sampling> = {};
  for (const s of states) {
    const undecided = ctx.questions?.open(measured, s.figures) ?? [];
    sampling[s.key] = {
      rounds: Math.max(0, ...[...s.samples.values()].map((x) => x.length)),
      looks: [...s.looks],
      ...(s.lastLook !== undefined && { lastLook: s.lastLook }),
      stoppedBy:
        s.stoppedBy ??
        (ctx.options.bail && s.failures.size > 0
          ? 'failure'
          : s.looks.length === 1
            ? 'fixed'
            : undecided.length > 0
              ? 'most'
              : 'decided'),
      // A round of every variant that stayed ok, for this part alone.
      msPerRound: aloneMs(
        s,
        names.filter((n) => !s.failures.has(n)),
      ),
      undecided,
      ...(s.narrowed.length > 0 && { narrowed: s.narrowed }),
      ...(states.length > 1 && {
        sharedWith: states.filter((o) => o !== s).map((o) => o.key),
      }),
    };
  }
  const next = { ...measured, sampling: { ...measured.sampling, ...sampling } };
  await ctx.save(next);
  return next;
}

export const stats = <T>(samples: Array<Sample<T>>, pick: (d: T) => number) =>
  summarize(samples.map((s) => pick(s.detail)));
