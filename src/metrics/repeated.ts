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

export interface RepeatedMeasurement<T> {
  /** The metric, as sample events name it. */
  metric: string;
  /** How a failure of it is recorded (`VariantFailure.stage`). */
  failureStage: VariantFailure['stage'];
  rounds: number;
  measure: (
    variant: OkVariant,
    labels: Record<string, string>,
    round: number,
  ) => Promise<Sample<T>>;
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

/**
 * Runs one repeated measurement over every variant still ok, in shuffled
 * rounds, and returns the run with its results; a variant whose measurement
 * fails becomes `failed` with the reason and its log tail, and the others go
 * on. The run folder is rewritten after.
 */
export async function measureRepeated<T>(
  ctx: StageContext,
  run: RunResult,
  m: RepeatedMeasurement<T>,
): Promise<RunResult> {
  const ok = okVariants(run);
  const roundOf = new Map<string, number>();
  const key = samplingKey(m.metric, m.note);
  const figures = m.figures ?? [];
  const asked = ctx.questions?.asked(run, figures) ?? [];
  const planned = ctx.options.looks[m.metric as MetricName] ?? [m.rounds];
  const looks = asked.length > 0 ? planned : [planned[0] ?? m.rounds];
  const rounds = looks.at(-1) ?? m.rounds;
  ctx.planner?.start(key);
  ctx.onStage?.(planWords(key, looks, asked));
  const began = performance.now();
  let msPerRound = 0;
  let stoppedBy: Sampling['stoppedBy'] | undefined;
  let lastLook: number | undefined;
  /** The run with every variant's samples so far attached. */
  const withSamples = (
    samples: ReadonlyMap<string, Array<Sample<T>>>,
    failures: ReadonlyMap<string, unknown>,
  ) =>
    withVariants(run, (v) => {
      if (v.state !== 'ok') return v;
      if (failures.has(v.name)) return failed(v, m.failureStage, failures.get(v.name));
      return m.attach(v, samples.get(v.name) ?? []);
    });
  // Wall time of each variant's samples (its measurement and what it undoes
  // after), to price the rounds of the variants that go on.
  const wallMs = new Map<string, number[]>();
  const roundMsOf = (names: readonly string[]) =>
    names.reduce((sum, name) => {
      const walls = wallMs.get(name) ?? [];
      return sum + (walls.length ? walls.reduce((a, b) => a + b, 0) / walls.length : 0);
    }, 0);
  const narrowed: NonNullable<Sampling['narrowed']> = [];
  let going = ok.map((v) => v.name);
  const { samples, failures } = await runRounds(
    ok.map((v) => v.name),
    async (name) => {
      const variant = ok.find((v) => v.name === name) as OkVariant;
      const round = roundOf.get(name) ?? 0;
      roundOf.set(name, round + 1);
      const started = performance.now();
      try {
        return await m.measure(
          variant,
          { [LABEL_RUN_ID]: run.runId, [LABEL_VARIANT]: name },
          round,
        );
      } finally {
        wallMs.set(name, [...(wallMs.get(name) ?? []), performance.now() - started]);
      }
    },
    {
      rounds,
      looks,
      stopAt: async (done, sofar, failed) => {
        if (narrowed.length === 0) msPerRound = (performance.now() - began) / done;
        const now = withSamples(sofar, failed);
        if ((ctx.questions?.open(now, figures) ?? []).length === 0) {
          stoppedBy = 'decided';
          return true;
        }
        // Only the variants an open question still compares go on.
        const contenders = (ctx.questions?.contenders(now, figures) ?? going).filter(
          (name) => going.includes(name) && !failed.has(name),
        );
        const next = looks.find((l) => l > done) ?? rounds;
        const cost = roundMsOf(contenders);
        /** Whether fewer variants go on than did: then only the contenders do. */
        const narrows = () => {
          if (contenders.length === 0) return false;
          if (contenders.length >= going.filter((n) => !failed.has(n)).length) return false;
          going = contenders;
          narrowed.push({ after: done, variants: contenders, msPerRound: cost });
          return true;
        };
        if (ctx.planner && !ctx.planner.mayTake(next - done, cost)) {
          stoppedBy = 'budget';
          // The rounds that fit, then the next look there: it stays one of
          // the looks planned, so the error each spends is unchanged.
          const fit = ctx.planner.roundsThatFit(cost);
          if (fit < 1 || contenders.length === 0) return true;
          lastLook = done + fit;
          ctx.onStage?.(
            `${key}: the ${next - done} rounds to the look after ${next} do not fit the budget; ${fit} more of ${contenders.join(', ')}, then the last look after ${lastLook}`,
          );
          narrows();
          return { only: contenders, lastRound: lastLook };
        }
        if (narrows()) {
          ctx.onStage?.(
            `${key}: after ${done} rounds only ${contenders.join(', ')} go on (every other question on them decided)`,
          );
          return contenders;
        }
        return false;
      },
      stopAfterFailure: ctx.options.bail,
      onSample: (variant, round, durationMs) =>
        ctx.onSample?.({
          metric: m.metric,
          variant,
          round,
          rounds,
          durationMs,
          ...(m.note ? { note: m.note } : {}),
        }),
    },
  );
  const measured = withSamples(samples, failures);
  const taken = Math.max(0, ...[...samples.values()].map((s) => s.length));
  // A round of every variant: from the rounds all of them took.
  if (taken > 0 && narrowed.length === 0) msPerRound = (performance.now() - began) / taken;
  const undecided = ctx.questions?.open(measured, figures) ?? [];
  const sampling: Sampling = {
    rounds: taken,
    looks: [...looks],
    ...(lastLook !== undefined && { lastLook }),
    stoppedBy:
      stoppedBy ??
      (ctx.options.bail && failures.size > 0
        ? 'failure'
        : looks.length === 1
          ? 'fixed'
          : undecided.length > 0
            ? 'most'
            : 'decided'),
    msPerRound,
    undecided,
    ...(narrowed.length > 0 && { narrowed }),
  };
  const next = { ...measured, sampling: { ...measured.sampling, [key]: sampling } };
  await ctx.save(next);
  return next;
}

export const stats = <T>(samples: Array<Sample<T>>, pick: (d: T) => number) =>
  summarize(samples.map((s) => pick(s.detail)));
