import { basename } from 'node:path';
import { engineName, imageStoreOfInfo } from '../engine/engine.js';
import { UsageError } from '../errors.js';
import { sizeBasisOf } from '../measure/image-size.js';
import { figureDefinition, figuresByName } from '../metrics/figures.js';
import type { Figure } from '../metrics/metric.js';
import { answerQuestions } from '../metrics/questions.js';
import { type RatioStatistics, referenceOf } from '../metrics/ratio.js';
import { relativeOf } from '../metrics/relative.js';
import { ruleOfMetric } from '../metrics/rule-of.js';
import { figuresOf, type RunResult, type VariantResult } from '../metrics/run-result.js';
import { packageJson } from '../package-json.js';
import { MERGED_FILE, type MergedMachine, type MergedRun } from '../results/merged-run.js';
import { decideChange } from './compare.js';

export { MERGED_FILE, type MergedMachine, type MergedRun };

/** `dockerd 28.5.2 containerd, linux/x64`: a machine as its run describes it. */
export function machineNameOf(run: RunResult): string {
  const short = (e: RunResult['engine']) => `${e.serverVersion} ${imageStoreOfInfo(e)}`;
  const second = run.secondEngine?.info;
  const engines =
    second && short(second) !== short(run.engine)
      ? `dockerd ${short(run.engine)} (second ${short(second)})`
      : `dockerd ${short(run.engine)}`;
  return `${engines}, ${run.host.platform}/${run.host.arch}`;
}

/** The service of a run, as a title names it: its folder, and its main package when not the folder's. */
export const serviceNameOf = (run: RunResult): string =>
  `${basename(run.service.dir) || run.service.dir}${run.service.mainPackage === '.' ? '' : ` (${run.service.mainPackage})`}`;

export const TOO_FEW_RUNS =
  'Expected two runs or more to merge: `imgbench merge RUN RUN…` (run folders or results.json files, each optionally NAME=RUN)';

/**
 * The runs as one merged run: at least two, of one service (the same main
 * package) and at least one variant in common. Names not given are the
 * machines' own (machineNameOf); two of one name are told apart by their
 * run ids, unless both were given.
 */
export function mergeRuns(
  inputs: ReadonlyArray<{ name?: string; run: RunResult }>,
  now = new Date(),
): MergedRun {
  if (inputs.length < 2) throw new UsageError(TOO_FEW_RUNS);
  const [first] = inputs as [{ run: RunResult }];
  for (const { run } of inputs) {
    if (run.service.mainPackage !== first.run.service.mainPackage) {
      throw new UsageError(
        `Runs of different services cannot be merged: run ${first.run.runId} measured \`${first.run.service.mainPackage}\`, run ${run.runId} \`${run.service.mainPackage}\`; merge the runs of one service`,
      );
    }
    if (!run.variants.some((v) => first.run.variants.some((w) => w.name === v.name))) {
      throw new UsageError(
        `Run ${run.runId} has no variant in common with run ${first.run.runId}; merge runs of the same variants`,
      );
    }
  }
  const given = inputs.filter((i) => i.name !== undefined).map((i) => i.name as string);
  const twice = given.find((name, i) => given.indexOf(name) !== i);
  if (twice !== undefined) {
    throw new UsageError(
      `Two runs are both named \`${twice}\`; give each run a name of its own (NAME=RUN)`,
    );
  }
  const named = inputs.map((i) => ({ name: i.name ?? machineNameOf(i.run), run: i.run }));
  const machines = named.map((m) =>
    named.filter((o) => o.name === m.name).length > 1 && !given.includes(m.name)
      ? { ...m, name: `${m.name} (run ${m.run.runId})` }
      : m,
  );
  return {
    kind: 'merged',
    schemaVersion: 1,
    tool: { name: 'imgbench', version: packageJson().version },
    mergedAt: now.toISOString(),
    machines,
  };
}

/** The engine that measured a figure on a machine: the build engine, or the second one (pull, startup, memory). */
export function engineOfFigure(run: RunResult, figure: string): string {
  const role = figureDefinition(figure)?.engine;
  return role === 'second' && run.secondEngine
    ? engineName(run.secondEngine.info)
    : engineName(run.engine);
}

/** How a machine's figure stands against the first machine's. */
export type AcrossDecision =
  /** The first machine's row: what the others are set against. */
  | { kind: 'first' }
  /** The reference variant of a timed figure: its ratio is 1 by definition. */
  | { kind: 'reference' }
  /**
   * A figure of bytes: the same, or by how much it differs; `withinNoisePct`
   * when the figure has a stated noise (the compressed size: gzip of the same
   * layers is not always the same bytes) and the difference is inside it.
   */
  | { kind: 'exact'; deltaBytes: number; withinNoisePct?: number }
  /** A timed figure's ratio to the machine's own reference, against the first machine's, by the rule. */
  | {
      kind: 'relative';
      decision: 'changed' | 'same' | 'undecided';
      /** This machine's ratio over the first machine's. */
      ratio: number;
      ratioCi?: [number, number];
      rounds: [number, number];
    }
  /** Why it is not set against the first machine. */
  | { kind: 'none'; why: string };

export interface MachineFigure {
  variant: string;
  machine: string;
  engine: string;
  figure: Figure | undefined;
  /** The variant's state on the machine, when not ok. */
  state: string | undefined;
  /** The figure over the machine's own reference variant's, round by round. */
  ref?: RatioStatistics;
  /** Whether the variant is the machine's reference (its ratio is 1 by definition). */
  isReference: boolean;
  across: AcrossDecision;
}

/**
 * One figure of every variant on every machine. Times are each machine's
 * own and are never set against another's: across machines only each
 * machine's ratio to its own reference variant (round by round, where the
 * machine's pace cancels) is compared, by the rule of every comparison
 * (decideChange). Exact figures (bytes) are the same or not.
 */
export function machineFigures(merged: MergedRun, figure: string): MachineFigure[] {
  const [first] = merged.machines as [MergedMachine];
  const margin = ruleOfMetric(first.run, '').marginPct;
  const names = [...new Set(merged.machines.flatMap((m) => m.run.variants.map((v) => v.name)))];
  return names.flatMap((variant) => {
    // The variant as each machine has it, read once: its row, and what the others are set against.
    const seen = merged.machines.map((m) => {
      const v = m.run.variants.find((x) => x.name === variant);
      return {
        machine: m,
        v,
        f: v?.state === 'ok' ? figuresByName(v).get(figure) : undefined,
        ref: relativeOf(m.run)?.figures[variant]?.[figure]?.ref,
      };
    });
    const base = seen[0] as (typeof seen)[number];
    return seen.map(
      ({ machine, v, f, ref }, index): MachineFigure => ({
        variant,
        machine: machine.name,
        engine: engineOfFigure(machine.run, figure),
        figure: f,
        state: v ? (v.state === 'ok' ? undefined : v.state) : 'not in this run',
        isReference: referenceOf(machine.run) === variant,
        ...(ref ? { ref } : {}),
        across: index === 0 ? { kind: 'first' } : across(base, seen[index] as typeof base),
      }),
    );
  });

  function across(
    a: { machine: MergedMachine; v?: VariantResult; f?: Figure; ref?: RatioStatistics },
    b: { machine: MergedMachine; v?: VariantResult; f?: Figure; ref?: RatioStatistics },
  ): AcrossDecision {
    const [fa, fb] = [a.f, b.f];
    if (!fa || !fb) {
      return { kind: 'none', why: `not measured on ${fa ? b.machine.name : a.machine.name}` };
    }
    if (!fa.samples || !fb.samples) {
      const [sa, sb] = [a.v, b.v].map((v) => (v ? figuresOf(v).size : undefined));
      if (figure === 'image size' && sa && sb && sizeBasisOf(sa) !== sizeBasisOf(sb)) {
        return { kind: 'none', why: 'sizes taken on different bases' };
      }
      const deltaBytes = fb.value - fa.value;
      const noise = Math.max(fa.noisePct, fb.noisePct);
      return {
        kind: 'exact',
        deltaBytes,
        ...(noise > 0 && (Math.abs(deltaBytes) / fa.value) * 100 <= noise
          ? { withinNoisePct: noise }
          : {}),
      };
    }
    const [refA, refB] = [referenceOf(a.machine.run), referenceOf(b.machine.run)];
    if (refA !== refB) {
      return { kind: 'none', why: `the reference variant differs (${refA}, ${refB})` };
    }
    if (a.v?.name === refA) return { kind: 'reference' };
    const [ra, rb] = [a.ref, b.ref];
    if (!ra || !rb) return { kind: 'none', why: 'no ratio to the reference on one machine' };
    const decided = decideChange(ra.ci, rb.ci, margin);
    return {
      kind: 'relative',
      decision: decided.decision,
      ratio: rb.p50 / ra.p50,
      ...(decided.ratioCi ? { ratioCi: decided.ratioCi } : {}),
      rounds: [ra.n, rb.n],
    };
  }
}

/** A question's answer on each machine, in a few words: the winner, the tied ones, or undecided. */
export interface MachineAnswer {
  question: string;
  /** By machine, in the merged run's order. */
  answers: string[];
  /**
   * `same`: every machine decided it, alike; `differs`: every machine decided
   * it, not alike; `open`: some machine has not decided it (or has no figure).
   */
  agreement: 'same' | 'differs' | 'open';
}

/** Each question of the answer block as every machine's run answered it. */
export function machineAnswers(merged: MergedRun): MachineAnswer[] {
  const perMachine = merged.machines.map((m) => answerQuestions(m.run));
  const questions = [...new Set(perMachine.flatMap((qs) => qs.map((q) => q.question)))];
  return questions.map((question) => {
    // Each answer with a key that does not depend on the order tied ones are listed in.
    const answered = perMachine.map((qs): [string, string] => {
      const q = qs.find((x) => x.question === question);
      if (!q || q.state === 'missing') return ['not measured', 'missing'];
      const best = q.ranked[0]?.variant.name ?? '';
      if (q.state === 'single') return [`${best} (the only one measured)`, `single ${best}`];
      if (q.state === 'winner') return [best, `winner ${best}`];
      if (q.state === 'tied') {
        const names = [best, ...q.tied.map((c) => c.variant.name)];
        return [
          `${names.join(', ')} equal within ±${q.rule.marginPct} %`,
          `tied ${[...names].sort().join(',')}`,
        ];
      }
      const rounds = q.open[0]?.against?.n;
      return [`undecided${rounds ? ` at ${rounds} rounds` : ''} (${best} leads)`, 'undecided'];
    });
    const answers = answered.map(([text]) => text);
    const keys = answered.map(([, key]) => key);
    const agreement = keys.some((k) => k === 'undecided' || k === 'missing')
      ? 'open'
      : keys.every((k) => k === keys[0])
        ? 'same'
        : 'differs';
    return { question, answers, agreement };
  });
}
