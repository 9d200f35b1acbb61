import { z } from 'zod';

/** How one repeated measurement's rounds went: the record a run keeps of its sampling. */
export const samplingSchema = z.object({
  /** Rounds taken. */
  rounds: z.number().int(),
  /** The rounds at which it looked, as planned before its first round. */
  looks: z.array(z.number().int()),
  /**
   * `decided`: every question on its figures was decided at a look;
   * `most`: it took the most rounds planned; `budget`: the next look's rounds
   * did not fit the time left; `fixed`: a fixed number of rounds (no question
   * on its figures, `--repeat`, `--quick`); `failure`: `--bail` stopped it.
   * With `budget`, `lastLook` says where the rounds that fit were looked at.
   */
  stoppedBy: z.enum(['decided', 'most', 'budget', 'fixed', 'failure']),
  /**
   * When the next planned look's rounds did not fit the time left: the round
   * the last look was brought forward to (the rounds that did fit). It is
   * still one of the planned looks, spending that look's share of the error:
   * where it falls depends on the clock, not on the figures.
   */
  lastLook: z.number().int().optional(),
  /** Wall time of one round of every variant, ms (the median round). */
  msPerRound: z.number(),
  /** The questions on its figures that were still undecided when it stopped. */
  undecided: z.array(z.string()),
  /**
   * The measurements whose samples were taken with its own, in the same
   * sample of a variant (startup and memory: one container per variant and
   * round). Absent: its samples were its own (runs before 2026-12-08 took
   * memory in containers of its own).
   */
  sharedWith: z.array(z.string()).optional(),
  /**
   * The looks after which only some variants went on, those an open question
   * still compared (the others' questions decided): the rounds after the look,
   * the variants, and the wall time of one round of them, ms.
   */
  narrowed: z
    .array(
      z.object({
        after: z.number().int(),
        variants: z.array(z.string()),
        msPerRound: z.number(),
      }),
    )
    .optional(),
});
export type Sampling = z.infer<typeof samplingSchema>;

/**
 * Spreads a run's time budget over its repeated measurements. Each takes its
 * first look's rounds whatever the budget; rounds past it are taken while the
 * time they cost (the measured time of a round, times the rounds to the next
 * look) fits this measurement's share of what is left: the time to the end of
 * the budget, less the first-look rounds of the measurements still to come,
 * split equally between this one and those of them that may still sample on.
 * A measurement that decides at its first look leaves its share to the next.
 */
export class RoundPlanner {
  /** Each measurement still to come: the time its first-look rounds are expected to take. */
  private readonly toCome: Map<string, number>;

  constructor(
    /** When the budget runs out, on `now`'s clock; undefined for no budget. */
    private readonly endsAtMs: number | undefined,
    toCome: ReadonlyArray<{ key: string; firstLookMs: number }>,
    private readonly now: () => number = Date.now,
  ) {
    this.toCome = new Map(toCome.map((m) => [m.key, m.firstLookMs]));
  }

  /** Marks a measurement as started: its time is no longer kept for it. */
  start(key: string): void {
    this.toCome.delete(key);
  }

  /** Time left in the budget, ms; Infinity without one. */
  leftMs(): number {
    return this.endsAtMs === undefined ? Number.POSITIVE_INFINITY : this.endsAtMs - this.now();
  }

  /** The share of the time left of the measurement now running, ms; Infinity without a budget. */
  shareMs(): number {
    if (this.endsAtMs === undefined) return Number.POSITIVE_INFINITY;
    const kept = [...this.toCome.values()].reduce((sum, ms) => sum + ms, 0);
    return (this.leftMs() - kept) / (1 + this.toCome.size);
  }
}

/** The key of a repeated measurement: its metric, and the link of a pull (`pull unlimited`). */
export const samplingKey = (metric: string, note?: string) => (note ? `${metric} ${note}` : metric);
