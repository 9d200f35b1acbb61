import { formatFigure } from '../format/format.js';
import { confidenceWords, type Decision } from '../measure/decision.js';
import { figuresByName } from '../metrics/figures.js';
import { capabilitiesOf } from '../metrics/gaps/capabilities-of.js';
import { HEADLINES } from '../metrics/headlines.js';
import {
  answerQuestions,
  type Contender,
  compareFigures,
  type QuestionAnswer,
  ruleOf,
} from '../metrics/questions.js';
import { figuresOf, type OkVariant, type RunResult } from '../metrics/run-result.js';

/** What a variant's image lacks that a service notices, from its gaps figures. */
function givesUp(v: OkVariant): string[] {
  const g = figuresOf(v).gaps;
  if (!g) return [];
  const has = capabilitiesOf(g);
  const out: string[] = [];
  if (!has.ca) out.push('no CA bundle (TLS to the outside fails)');
  if (!has.tz) out.push('no time zone data');
  if (has.uid === 0) out.push('runs as root');
  if (!has.tmp) out.push('no /tmp');
  if (!has.shell) out.push('no shell to debug with');
  return out;
}

const times = (r: number) => `${r.toFixed(r >= 10 ? 0 : 2)}×`;
const show = (c: Contender) => `${c.variant.name} ${formatFigure(c.figure.value, c.figure.unit)}`;

/** `0.53× of stripped 296 ms, interval 0.48–0.61 at 95 % over 3 looks, 7 rounds`: a decision in words. */
export function decisionWords(d: Decision, confidence: string): string {
  if (d.n <= 1) return `${times(d.p50)}`;
  const interval = d.ci ? `, interval ${d.ci[0].toFixed(2)}–${d.ci[1].toFixed(2)}` : '';
  return `${times(d.p50)}${interval} at ${confidence}, ${d.n} rounds`;
}

/**
 * What winning costs `best` against `next`: each other question's figure on
 * which the rule decides it higher (an exact figure: larger at all).
 */
function costs(run: RunResult, best: OkVariant, next: OkVariant, figure: string): string[] {
  const [a, b] = [figuresByName(best), figuresByName(next)];
  return HEADLINES.flatMap(({ question, figure: other }) => {
    const [x, y] = [a.get(other), b.get(other)];
    if (!question || other === figure || !x || !y) return [];
    const rule = ruleOf(run, other);
    const d = compareFigures(x, y, rule);
    if (d.verdict !== 'higher') return [];
    const values = `${formatFigure(x.value, x.unit)} against ${formatFigure(y.value, y.unit)}`;
    return [
      x.samples
        ? `${other} ${times(d.p50)} ${next.name}'s (${values}, interval ${d.ci?.[0].toFixed(2)}–${d.ci?.[1].toFixed(2)}, ${d.n} rounds)`
        : `${other} ${values} of ${next.name}`,
    ];
  });
}

/**
 * One line per question, decided by the one rule (see measure/decision.ts):
 * the variant that wins, when the rule decides it lower than every other;
 * the variants equal within the margin, when the rest are decided behind
 * them; else what is undecided, after how many rounds, and what would decide it.
 */
export function answerLines(run: RunResult): string[] {
  return answerQuestions(run).map((q) => answerLine(run, q));
}

/** The answer to one question: see answerLines. */
function answerLine(run: RunResult, q: QuestionAnswer): string {
  const label = q.question;
  const [best, next] = q.ranked;
  if (!best) return `${label}: not measured in this run.`;
  if (!next?.against) return `${label}: only ${best.variant.name} has the figure.`;
  const confidence = confidenceWords(q.rule);
  const margin = `±${q.rule.marginPct} %`;
  if (q.state === 'undecided') {
    const open = q.open[0] as Required<Contender>;
    const d = open.against;
    const why = d.ci
      ? `${best.variant.name} is ${decisionWords(d, confidence)} of ${show(open)}: the interval crosses an edge of 1 ${margin}, so it lies neither within nor beyond it`
      : `${d.n} rounds give no interval at ${d.lookConfidencePct.toFixed(1)} % (${d.roundsNeeded} do)`;
    const more = d.roundsNeeded
      ? `; about ${d.roundsNeeded} rounds would decide it, if the spread holds`
      : '';
    return `${label}: undecided between ${show(best)} and ${q.open.map((c) => c.variant.name).join(', ')} — ${why}${more}.`;
  }
  if (q.state === 'tied') {
    const names = [best, ...q.tied].map((c) => c.variant.name);
    const d = (q.tied.at(-1) as Required<Contender>).against;
    const behind = q.ranked.length - names.length;
    return `${label}: ${names.join(', ')}, equal within ${margin} (${best.variant.name} is ${decisionWords(d, confidence)} of ${show(q.tied.at(-1) as Contender)})${behind === 1 ? '; the other one is decided behind them' : behind > 1 ? `; the other ${behind} are decided behind them` : ''}.`;
  }
  const detail = best.figure.samples
    ? `${decisionWords(next.against, confidence)} of ${show(next)}`
    : `${times(next.figure.value / best.figure.value)} smaller than ${show(next)}`;
  const lacks = givesUp(best.variant);
  const price = costs(run, best.variant, next.variant, q.figure);
  return `${label}: **${best.variant.name}**, ${formatFigure(best.figure.value, best.figure.unit)} (${detail}).${lacks.length ? ` It gives up: ${lacks.join(', ')}.` : ''}${price.length ? ` It costs: ${price.join('; ')}.` : ''}`;
}
