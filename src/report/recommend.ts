import { formatFigure, formatMB } from '../format/format.js';
import type { Decision } from '../measure/decision.js';
import { figuresByName } from '../metrics/figures.js';
import { HEADLINES } from '../metrics/headlines.js';
import {
  DEFAULT_NEEDS,
  meets,
  NEED_WORDS,
  NEEDS,
  type Need,
  needsSchema,
} from '../metrics/needs.js';
import { answerQuestion, compareFigures, ruleOf } from '../metrics/questions.js';
import { figuresOf, type OkVariant, type RunResult } from '../metrics/run-result.js';
import { STAND_IN_MARK, standInRuntimeBase } from '../metrics/stand-in-marks.js';

/** The needs a run's recommendation is made for: what the run was given, else the default. */
export function needsOf(run: RunResult): readonly Need[] {
  const recorded = needsSchema.safeParse(run.settings?.needs);
  return recorded.success ? recorded.data : DEFAULT_NEEDS;
}

const SIZE = 'image size';
/** The figures the answer block asks about: the recommendation weighs the same ones. */
const QUESTION_FIGURES = HEADLINES.flatMap((h) => (h.question ? [h.figure] : []));

const list = (items: readonly string[]) =>
  items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1) as string}`;

const ratio = (r: number) => `${r.toFixed(2)}×`;

/** `a` against `b` on a figure both have, by the one rule; undefined when one lacks it. */
function decide(run: RunResult, a: OkVariant, b: OkVariant, figure: string): Decision | undefined {
  const [x, y] = [figuresByName(a).get(figure), figuresByName(b).get(figure)];
  return x && y ? compareFigures(x, y, ruleOf(run, figure)) : undefined;
}

/** Whether `a` is decided no worse than `b` on every question both have, and better on one. */
function dominates(run: RunResult, a: OkVariant, b: OkVariant): boolean {
  const verdicts = QUESTION_FIGURES.flatMap((f) => decide(run, a, b, f)?.verdict ?? []);
  return verdicts.includes('lower') && verdicts.every((v) => v === 'lower' || v === 'equivalent');
}

const sizeOf = (v: OkVariant) => figuresByName(v).get(SIZE)?.value ?? Number.POSITIVE_INFINITY;
const bySize = (a: OkVariant, b: OkVariant) => sizeOf(a) - sizeOf(b);
/** The image size in words, marked when a stand-in base's bytes are in it. */
const sizeWords = (v: OkVariant) =>
  `${formatMB(sizeOf(v))}${standInRuntimeBase(v) ? ` ${STAND_IN_MARK}` : ''}`;

/** `pick` against `other` on each question, in words: what picking it costs or saves. */
function against(run: RunResult, pick: OkVariant, other: OkVariant): string {
  const parts = QUESTION_FIGURES.flatMap((figure) => {
    const d = decide(run, pick, other, figure);
    const [x, y] = [figuresByName(pick).get(figure), figuresByName(other).get(figure)];
    if (!d || !x || !y) return [];
    if (!x.samples) {
      const diff = x.value - y.value;
      const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
      return [`${figure} ${sign}${formatFigure(Math.abs(diff), x.unit)} (${ratio(d.p50)})`];
    }
    const rounds = `${d.n} rounds`;
    switch (d.verdict) {
      case 'equivalent':
        return [`${figure} equal within ±${ruleOf(run, figure).marginPct} % (${rounds})`];
      case 'undecided':
        return [`${figure} undecided (${ratio(d.p50)}, ${rounds})`];
      default:
        return [
          `${figure} ${ratio(d.p50)}, ${d.verdict}${d.ci ? ` (interval ${d.ci[0].toFixed(2)}–${d.ci[1].toFixed(2)}, ${rounds})` : ''}`,
        ];
    }
  });
  const gains = NEEDS.filter((n) => has(pick, n) && !has(other, n)).map((n) => NEED_WORDS[n].has);
  const loses = NEEDS.filter((n) => !has(pick, n) && has(other, n)).map((n) => NEED_WORDS[n].has);
  return [
    parts.join('; '),
    ...(gains.length ? [`it has ${list(gains)}`] : []),
    ...(loses.length ? [`it lacks ${list(loses)}`] : []),
  ].join('; ');
}

function has(v: OkVariant, need: Need): boolean {
  const g = figuresOf(v).gaps;
  return g ? meets(g, need) : false;
}

/** What `alt` is decided better at than `pick`, each figure with its words; empty when nothing. */
function advantages(
  run: RunResult,
  alt: OkVariant,
  pick: OkVariant,
): Array<{ figure: string; words: string }> {
  return QUESTION_FIGURES.flatMap((figure) => {
    const d = decide(run, alt, pick, figure);
    if (d?.verdict !== 'lower') return [];
    return [{ figure, words: `${figure} ${ratio(d.p50)}${d.n > 1 ? ` (${d.n} rounds)` : ''}` }];
  });
}

/** Variants grouped by the same words: `runs as root: golang, alpine`. */
function grouped(items: ReadonlyArray<{ name: string; words: string }>): string {
  const groups = new Map<string, string[]>();
  for (const { name, words } of items) groups.set(words, [...(groups.get(words) ?? []), name]);
  return [...groups].map(([words, names]) => `${names.join(', ')} (${words})`).join('; ');
}

/**
 * Which variant to ship for the needs given (`--needs`), from the run's own
 * figures: of the variants whose image meets every need (the gaps metric),
 * those no other of them beats on every question of the answer block (decided
 * lower or equal within the margin on each, lower on one: the one rule), and
 * of those the smallest image. Then what it costs and gains against the
 * smallest and the fastest to start, and what it gives up. The first line is
 * the recommendation; the others say why.
 */
export function recommendationLines(
  run: RunResult,
  needs: readonly Need[] = needsOf(run),
): string[] {
  const ok = run.variants.filter((v): v is OkVariant => v.state === 'ok');
  const known = ok.filter((v) => figuresOf(v).gaps);
  if (ok.length < 2) return [];
  const asked = needs.length
    ? `for ${list(needs.map((n) => NEED_WORDS[n].need))}`
    : 'with no needs stated';
  if (known.length === 0) {
    return [
      'Which to ship: not said — the gaps metric, which finds what each image gives the service (a CA bundle, time zones, its user, a shell), did not run; add gaps to `--metrics`.',
    ];
  }
  const lacks = (v: OkVariant) => needs.filter((n) => !has(v, n));
  const able = known.filter((v) => lacks(v).length === 0).sort(bySize);
  if (able.length === 0) {
    const [closest] = [...known].sort((a, b) => lacks(a).length - lacks(b).length || bySize(a, b));
    const missing = lacks(closest as OkVariant).map((n) => NEED_WORDS[n].has);
    return [
      `Which to ship ${asked}: none of the ${known.length} variants has all of it; the closest, ${closest?.name}, lacks ${list(missing)}. Add a variant that has them, or ask for less with \`--needs\`.`,
    ];
  }
  const front = able.filter((v) => !able.some((o) => o !== v && dominates(run, o, v)));
  const pick = front[0] as OkVariant;
  const among =
    able.length === 1
      ? `the only one of ${known.length} variants that has ${needs.length ? 'it all' : 'figures'}`
      : `the smallest of the ${able.length} ${needs.length ? 'that have it all and ' : ''}that no other of them beats on every question`;
  const lines = [`Ship **${pick.name}** ${asked}: ${sizeWords(pick)} image, ${among}.`];

  // Each trade once, from the smallest variant that offers it: a larger one
  // better at the same questions only costs more.
  const covered = new Set<string>();
  const trades = front
    .slice(1)
    .map((alt) => ({ alt, better: advantages(run, alt, pick) }))
    .filter((t) => t.better.length > 0);
  const offered = trades.filter(({ better }) => {
    const fresh = better.some((b) => !covered.has(b.figure));
    for (const b of better) covered.add(b.figure);
    return fresh;
  });
  for (const { alt, better } of offered) {
    lines.push(
      `${alt.name} is better at ${list(better.map((b) => b.words))}, for ${sizeWords(alt)} (${formatFigure(sizeOf(alt) - sizeOf(pick), 'bytes')} more).`,
    );
  }
  const untold = front.slice(1).filter((alt) => !trades.some((t) => t.alt === alt));
  if (untold.length) {
    lines.push(
      `Not yet told apart from it on every question, though larger: ${untold.map((v) => v.name).join(', ')} (more rounds would decide; see the answers below).`,
    );
  }
  const dearer = trades.length - offered.length;
  if (dearer > 0) {
    lines.push(
      `${dearer} larger variant${dearer === 1 ? '' : 's'} offer${dearer === 1 ? 's' : ''} no more.`,
    );
  }
  const smallest = [...ok].sort(bySize)[0] as OkVariant;
  if (smallest !== pick) {
    lines.push(
      `Against the smallest, ${smallest.name} (${sizeWords(smallest)}): ${against(run, pick, smallest)}.`,
    );
  }
  // The fastest to start as the answer block decides it: a winner, or the
  // first of those equal within the margin.
  const start = HEADLINES.find((h) => h.figure === 'startup start→ready');
  const startAnswer = start?.question
    ? answerQuestion(run, start.question, start.figure)
    : undefined;
  const fastest =
    startAnswer?.state === 'winner' || startAnswer?.state === 'tied'
      ? startAnswer.ranked[0]?.variant
      : undefined;
  const fastGroup = startAnswer ? [fastest, ...startAnswer.tied.map((c) => c.variant)] : [];
  if (fastest && !fastGroup.includes(pick) && fastest !== smallest) {
    const equal = startAnswer?.tied.length
      ? ` (equal within the margin: ${startAnswer.tied.map((c) => c.variant.name).join(', ')})`
      : '';
    lines.push(
      `Against the fastest to start, ${fastest.name}${equal}: ${against(run, pick, fastest)}.`,
    );
  }
  const givesUp = NEEDS.filter((n) => !needs.includes(n) && !has(pick, n));
  if (givesUp.length) {
    lines.push(`It gives up: ${list(givesUp.map((n) => NEED_WORDS[n].lacks))}.`);
  }
  const left = known
    .filter((v) => lacks(v).length > 0)
    .map((v) => ({ name: v.name, words: list(lacks(v).map((n) => NEED_WORDS[n].lacks)) }));
  if (left.length) lines.push(`Left out: ${grouped(left)}.`);
  const standIns = [...new Set([pick, smallest].filter(standInRuntimeBase))];
  if (standIns.length) {
    const words = standIns.map((v) => {
      const b = standInRuntimeBase(v);
      return v.runtimeBase === undefined
        ? `${v.name} was built on stand-ins, and this run did not record which base its image starts from`
        : `${v.name} starts from ${b?.image} in place of ${b?.upstream}`;
    });
    lines.push(
      `${STAND_IN_MARK} a stand-in base decides these bytes and files (${words.join('; ')}): the upstream image would change them.`,
    );
  }
  return lines;
}
