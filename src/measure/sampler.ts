import { Bench } from 'tinybench';

/** One measurement: its duration in ms, plus whatever else the task observed. */
export interface Sample<T> {
  durationMs: number;
  detail: T;
}

export interface RoundsOptions<T> {
  /** Samples per subject: the most, when `stopAt` may stop sooner. */
  rounds: number;
  /**
   * After each round but the last, `stopAt` is asked whether enough has
   * been measured: true stops, false goes on with every subject, a list
   * goes on with those subjects only (the others' questions are decided).
   * A subject left out never comes back, so the rounds a subject has are
   * always the first ones: the i-th samples of any two subjects come from
   * round i.
   */
  stopAt?: (
    roundsDone: number,
    samples: ReadonlyMap<string, Array<Sample<T>>>,
    failures: ReadonlyMap<string, unknown>,
  ) => Promise<boolean | readonly string[]>;
  /** Shuffles subject order each round; injectable for tests. @default Math.random */
  random?: () => number;
  onSample?: (subject: string, round: number, durationMs: number) => void;
  /** End after the round in which a subject failed (`--bail`). @default false */
  stopAfterFailure?: boolean;
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface RoundsResult<T> {
  samples: Map<string, Array<Sample<T>>>;
  /** Subjects whose measurement threw; they take no part in later rounds. */
  failures: Map<string, unknown>;
}

/**
 * Runs `measure(subject)` once per subject per round, in a fresh random order
 * each round, so that drift on the machine (a warming cache, another job)
 * spreads over all subjects instead of landing on whichever runs last.
 *
 * tinybench runs each task: one iteration, no time budget and no warm-up
 * (its defaults would run a Docker task 64 times), and the duration comes
 * from inside the task through `overriddenDuration`, because only the task
 * knows which part of its work is the measured one. Samples are kept
 * (`retainSamples`, off by default since tinybench 6) so that the check
 * below can compare what it recorded with what the task measured. The task function is
 * async: tinybench calls a sync one an extra time to find out whether it is
 * async, which here would be an extra, unrecorded Docker operation.
 */
export async function runRounds<T>(
  subjects: readonly string[],
  measure: (subject: string) => Promise<Sample<T>>,
  options: RoundsOptions<T>,
): Promise<RoundsResult<T>> {
  const samples = new Map<string, Array<Sample<T>>>(subjects.map((s) => [s, []]));
  const failures = new Map<string, unknown>();
  let going: ReadonlySet<string> = new Set(subjects);
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({ iterations: 1, time: 0, warmup: false, retainSamples: true });
    const active = subjects.filter((s) => !failures.has(s) && going.has(s));
    if (active.length === 0) break;
    for (const subject of shuffled(active, options.random)) {
      bench.add(subject, async () => {
        try {
          const sample = await measure(subject);
          samples.get(subject)?.push(sample);
          options.onSample?.(subject, round, sample.durationMs);
          return { overriddenDuration: sample.durationMs };
        } catch (error) {
          failures.set(subject, error);
          return { overriddenDuration: 0 };
        }
      });
    }
    await bench.run();
    if (options.stopAfterFailure && failures.size > 0) break;
    for (const task of bench.tasks) {
      if (failures.has(task.name)) continue;
      const { result } = task;
      const recorded = result.state === 'completed' ? (result.latency.samples ?? []) : [];
      const taken = samples.get(task.name)?.at(-1)?.durationMs;
      // tinybench must have recorded exactly the duration the task measured.
      if (recorded.length !== 1 || recorded[0] !== taken) {
        throw new Error(
          `tinybench recorded ${JSON.stringify(recorded)} for ${task.name}, expected [${taken}]`,
        );
      }
    }
    const done = round + 1;
    if (done < options.rounds && options.stopAt) {
      const verdict = await options.stopAt(done, samples, failures);
      if (verdict === true) break;
      if (verdict === false) continue;
      going = new Set([...going].filter((s) => verdict.includes(s)));
    }
  }
  return { samples, failures };
}
