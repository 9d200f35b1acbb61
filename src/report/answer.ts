import { formatFigure } from '../format/format.js';
import { figuresByName } from '../metrics/figures.js';
import { capabilitiesOf } from '../metrics/gaps/capabilities-of.js';
import { HEADLINES } from '../metrics/headlines.js';
import { pairedRatio, ratioExcludesOne } from '../metrics/ratio.js';
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

/**
 * What winning on `figure` costs `best` against `next`: each other question's
 * figure on which it is measurably worse, by the same rule (an exact figure
 * larger; a timed one whose round-by-round ratio's 95 % interval lies above 1).
 */
function costs(best: OkVariant, next: OkVariant, figure: string): string[] {
  const [a, b] = [figuresByName(best), figuresByName(next)];
  return HEADLINES.flatMap(({ question, figure: other }) => {
    const [x, y] = [a.get(other), b.get(other)];
    if (!question || other === figure || !x || !y) return [];
    if (!x.samples || !y.samples) {
      return x.value > y.value
        ? [
            `${other} ${formatFigure(x.value, x.unit)} against ${next.name}'s ${formatFigure(y.value, y.unit)}`,
          ]
        : [];
    }
    const ratio = pairedRatio(x.samples, y.samples);
    return ratio?.ci && ratio.ci[0] > 1
      ? [
          `${other} ${times(ratio.p50)} ${next.name}'s (${formatFigure(x.value, x.unit)} against ${formatFigure(y.value, y.unit)}, 95 % interval ${ratio.ci[0].toFixed(2)}–${ratio.ci[1].toFixed(2)})`,
        ]
      : [];
  });
}

/**
 * One line per question: the variant that wins, named only where the
 * interval of its ratio to the runner-up (round by round) excludes 1, and
 * what it gives up; else that no difference was measured, or why there is
 * no answer.
 */
export function answerLines(run: RunResult): string[] {
  const ok = run.variants.filter((v): v is OkVariant => v.state === 'ok');
  return HEADLINES.flatMap(({ question: label, figure }) =>
    label ? [answerLine(ok, label, figure)] : [],
  );
}

/** The answer to one question: see answerLines. */
function answerLine(ok: OkVariant[], label: string, figure: string): string {
  const ranked = ok
    .flatMap((v) => {
      const f = figuresByName(v).get(figure);
      return f ? [{ v, f }] : [];
    })
    .sort((a, b) => a.f.value - b.f.value);
  const [best, next] = ranked;
  if (!best) return `${label}: not measured in this run.`;
  if (!next) return `${label}: only ${best.v.name} has the figure.`;
  const show = (x: typeof best) => `${x.v.name} ${formatFigure(x.f.value, x.f.unit)}`;
  const named = (detail: string) => {
    const lacks = givesUp(best.v);
    const price = costs(best.v, next.v, figure);
    return `${label}: **${best.v.name}**, ${formatFigure(best.f.value, best.f.unit)} (${detail}).${lacks.length ? ` It gives up: ${lacks.join(', ')}.` : ''}${price.length ? ` It costs: ${price.join('; ')}.` : ''}`;
  };
  if (!best.f.samples || !next.f.samples) {
    // An exact figure: any difference is a difference.
    return best.f.value < next.f.value
      ? named(`${times(next.f.value / best.f.value)} smaller than ${show(next)}`)
      : `${label}: ${best.v.name} and ${next.v.name} are the same.`;
  }
  const ratio = pairedRatio(best.f.samples, next.f.samples);
  if (!ratio?.ci) {
    return `${label}: ${best.v.name} (${show(best)} vs ${show(next)}), but ${ratio?.n ?? 0} rounds give no interval of their ratio (6 do); no difference is claimed.`;
  }
  const interval = `${times(ratio.p50)} of ${show(next)}, 95 % interval ${ratio.ci[0].toFixed(2)}–${ratio.ci[1].toFixed(2)}, round by round`;
  return ratioExcludesOne(ratio)
    ? named(interval)
    : `${label}: no measurable difference between ${best.v.name} and ${next.v.name} (${best.v.name} ${interval}).`;
}
