/**
 * How often does the decision rule decide wrongly, with this machine's real
 * noise? Resamples the rounds of kept runs (results/history, the test
 * fixtures, or the runs given) and replays the sequential rule on them:
 *
 * - same code twice: both sides drawn from one variant's own samples, so
 *   the true ratio is 1: deciding "lower" or "higher" is a false decision;
 * - one side slowed by a known amount (+50 ms of startup, +10 %, +2 %): the
 *   true ratio is known; deciding the other way round, "equivalent" when it
 *   lies outside the margin, or "lower" (by more than the margin) when it
 *   lies inside, is a false decision.
 *
 * Each resampled run draws its rounds one look at a time (the looks a
 * default run plans for the metric) and stops at the first look that
 * decides, as a run does. The rate of false decisions must stay below the
 * stated error (5 %); undecided runs are counted apart, with the rounds used.
 *
 * With `--same A B` (two results.json of the same code, run one after the
 * other) it prints each question of the answer as both runs decided it, and
 * what compare decides between them.
 *
 * Usage: npm run bench:decisions -- [--resamples 400] [--seed 1] [RUN.json …]
 *        npm run bench:decisions -- --same A/results.json B/results.json
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_CONFIDENCE_PCT,
  DEFAULT_MARGIN_PCT,
  decideRatios,
  plannedLooks,
  type Verdict,
} from '../src/measure/decision.js';
import { figuresByName } from '../src/metrics/figures.js';
import { answerQuestions } from '../src/metrics/questions.js';
import { REPEATED_METRICS } from '../src/metrics/registry.js';
import type { RunResult } from '../src/metrics/run-result.js';
import { compareRuns } from '../src/report/compare.js';
import { readRun } from '../src/results/read-run.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    resamples: { type: 'string', default: '400' },
    seed: { type: 'string', default: '1' },
    same: { type: 'boolean', default: false },
  },
});

/** A seeded generator (Park–Miller), so that a bench run can be repeated. */
let seed = Number(values.seed) || 1;
const random = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const pick = (xs: readonly number[]) => xs[Math.floor(random() * xs.length)] as number;

const FIGURES: Record<string, string> = {
  'startup start→ready': 'startup',
  'memory load rss': 'memory',
  'pull unlimited': 'pull',
  'build cold': 'build',
};

/** The looks a default run plans for the metric (the build metric's were it sampled like the others). */
const looksOf = (metric: string) => {
  const m = REPEATED_METRICS.find((x) => x.name === metric);
  return plannedLooks(m?.samples.untilDecided ? m.samples.default : 16);
};

interface Scenario {
  name: string;
  /** B's sample from a draw of the variant's own. */
  slow: (x: number, figure: string) => number;
  /** What is true of A ÷ B. */
  truth: 'equal' | 'lower';
  /** The true ratio lies within the margin: "equivalent" is right too. */
  withinMargin: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'same code twice', slow: (x) => x, truth: 'equal', withinMargin: true },
  {
    name: 'B +50 ms (startup only)',
    slow: (x, f) => (f === 'startup start→ready' ? x + 50 : x * 1.26),
    truth: 'lower',
    withinMargin: false,
  },
  { name: 'B +10 %', slow: (x) => x * 1.1, truth: 'lower', withinMargin: false },
  { name: 'B +2 %', slow: (x) => x * 1.02, truth: 'lower', withinMargin: true },
];

/** Whether a verdict on A ÷ B is false, given what is true. */
function isFalse(verdict: Verdict, s: Scenario): boolean {
  if (verdict === 'undecided') return false;
  if (verdict === 'equivalent') return !s.withinMargin;
  // "lower" and "higher" say: by more than the margin.
  if (s.withinMargin) return true;
  return verdict === 'higher';
}

/** One resampled run: a round's A ÷ B drawn a look at a time until a look decides. */
function replay(draw: () => number, figure: string) {
  const looks = looksOf(FIGURES[figure] as string);
  const rule = {
    confidencePct: DEFAULT_CONFIDENCE_PCT,
    marginPct: DEFAULT_MARGIN_PCT,
    looks: looks.length,
  };
  const ratios: number[] = [];
  let verdict: Verdict = 'undecided';
  for (const look of looks) {
    while (ratios.length < look) ratios.push(draw());
    verdict = decideRatios(ratios, rule).verdict;
    if (verdict !== 'undecided') break;
  }
  return { verdict, rounds: ratios.length };
}

/**
 * Unpaired: A and B each drawn from one variant's own samples, as if no
 * round pace were shared: the hardest case.
 */
const unpaired = (samples: readonly number[], figure: string, s: Scenario) => () =>
  pick(samples) / s.slow(pick(samples), figure);

/**
 * Paired: a round of two variants of one run, its log-ratio's sign flipped
 * at random. Same code twice has a ratio whose median is 1 by symmetry, with
 * the round-to-round spread that pairing leaves in a real run; B slowed
 * multiplies it by B's own sample over its slowed one.
 */
const paired =
  (pairs: ReadonlyArray<readonly [number, number]>, figure: string, s: Scenario) => () => {
    const [x, y] = pairs[Math.floor(random() * pairs.length)] as readonly [number, number];
    const flipped = random() < 0.5 ? x / y : y / x;
    return (flipped * y) / s.slow(y, figure);
  };

interface Series {
  figure: string;
  samples: number[];
  /** Each round's samples of this variant and the next one of the run. */
  pairs: Array<readonly [number, number]>;
}

/** Every ok variant's samples of each figure, from runs with at least 6 rounds of it. */
function sourcesOf(runs: readonly RunResult[]): Series[] {
  const out: Series[] = [];
  for (const run of runs) {
    const ok = run.variants.filter((v) => v.state === 'ok');
    for (const figure of Object.keys(FIGURES)) {
      const sets = ok.flatMap((v) => {
        const s = figuresByName(v).get(figure)?.samples;
        return s && s.length >= 6 ? [[...s]] : [];
      });
      sets.forEach((samples, i) => {
        const next = sets[(i + 1) % sets.length] as number[];
        const pairs =
          sets.length > 1 && next.length === samples.length
            ? samples.map((x, j) => [x, next[j] as number] as const)
            : [];
        out.push({ figure, samples, pairs });
      });
    }
  }
  return out;
}

function keptRuns(): string[] {
  const from = (dir: string, match: RegExp) =>
    readdirSync(dir)
      .filter((f) => match.test(f))
      .map((f) => join(dir, f));
  return [...from('results/history', /\.json$/), ...from('test/fixtures', /^run-.*\.json$/)];
}

async function sameCodeTwice(a: string, b: string) {
  const [base, head] = [await readRun(a), await readRun(b)];
  const [qa, qb] = [answerQuestions(base), answerQuestions(head)];
  console.log(`Same code twice: ${base.runId} and ${head.runId}\n`);
  let differ = 0;
  for (const q of qa) {
    const other = qb.find((x) => x.question === q.question);
    const said = (x: typeof q | undefined) =>
      x
        ? `${x.state}: ${[x.ranked[0], ...x.tied].map((c) => c?.variant.name).join(', ')}${x.ranked[0]?.figure.samples ? ` (${x.ranked[1]?.against?.n ?? 0} rounds)` : ''}`
        : 'absent';
    const same =
      other !== undefined &&
      other.state === q.state &&
      (q.state === 'undecided' ||
        [q.ranked[0], ...q.tied]
          .map((c) => c?.variant.name)
          .sort()
          .join() ===
          [other.ranked[0], ...other.tied]
            .map((c) => c?.variant.name)
            .sort()
            .join());
    if (!same) differ++;
    console.log(`${same ? 'same  ' : 'DIFFER'}  ${q.question}: ${said(q)} | ${said(other)}`);
  }
  const changed = compareRuns(base, head).changes.filter((c) => c.significant);
  console.log(
    `\n${differ} answer(s) differ; compare decides ${changed.length} change(s)${changed.length ? `: ${changed.map((c) => `${c.variant} ${c.figure} ${c.changePct.toFixed(1)} %`).join('; ')}` : ''}.`,
  );
}

if (values.same) {
  if (positionals.length !== 2) {
    console.error('--same takes two results.json of the same code, run one after the other');
    process.exit(2);
  }
  await sameCodeTwice(positionals[0] as string, positionals[1] as string);
} else {
  const resamples = Number(values.resamples);
  if (!Number.isInteger(resamples) || resamples < 1) {
    console.error(`--resamples must be a whole number of at least 1, got \`${values.resamples}\``);
    process.exit(2);
  }
  const files = positionals.length > 0 ? positionals : keptRuns();
  const runs = await Promise.all(files.map((f) => readRun(f)));
  const sources = sourcesOf(runs);
  console.log(
    `Decision rule: ${DEFAULT_CONFIDENCE_PCT} % over its looks, equivalent within ±${DEFAULT_MARGIN_PCT} %; ${runs.length} kept runs, ${sources.length} series of ≥ 6 rounds; ${resamples} resampled runs per series and scenario.\n`,
  );
  const header = [
    'scenario',
    'figure',
    'rounds are',
    'series',
    'runs',
    'right',
    'FALSE',
    'undecided',
    'rounds',
  ];
  const rows: string[][] = [];
  for (const s of SCENARIOS) {
    for (const figure of Object.keys(FIGURES)) {
      for (const kind of ['paired', 'unpaired'] as const) {
        const of = sources.filter(
          (x) => x.figure === figure && (kind === 'unpaired' || x.pairs.length > 0),
        );
        if (of.length === 0) continue;
        let right = 0;
        let wrong = 0;
        let open = 0;
        let rounds = 0;
        for (const series of of) {
          const draw =
            kind === 'paired'
              ? paired(series.pairs, figure, s)
              : unpaired(series.samples, figure, s);
          for (let i = 0; i < resamples; i++) {
            const r = replay(draw, figure);
            rounds += r.rounds;
            if (r.verdict === 'undecided') open++;
            else if (isFalse(r.verdict, s)) wrong++;
            else right++;
          }
        }
        const n = of.length * resamples;
        const pct = (k: number) => `${((k / n) * 100).toFixed(1)} %`;
        rows.push([
          s.name,
          figure,
          kind,
          String(of.length),
          String(n),
          pct(right),
          pct(wrong),
          pct(open),
          (rounds / n).toFixed(1),
        ]);
      }
    }
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((x, c) => (c < 3 ? x.padEnd(widths[c] ?? 0) : x.padStart(widths[c] ?? 0))).join('  ');
  console.log([line(header), ...rows.map(line)].join('\n'));
  console.log(
    '\nFALSE: a winner where both sides are the same code or differ by less than the margin, the slower side decided faster, or "equivalent" where the difference is beyond the margin. paired: rounds of two variants of one run, the sign of their log-ratio flipped at random (same code twice keeps a real run\'s round-to-round spread); unpaired: each side drawn alone from one variant\'s samples, as if no round pace were shared (harder).',
  );
}
