import { formatDuration } from '../format/format.js';
import { answerQuestions } from '../metrics/questions.js';
import type { RunResult } from '../metrics/run-result.js';

const STOPPED: Record<string, string> = {
  decided: 'every question on it decided',
  most: 'the most rounds planned',
  budget: "the next look's rounds did not fit the budget",
  fixed: 'fixed',
  failure: '--bail stopped it',
};

/**
 * How each repeated measurement's rounds went, a line each: the rounds, why
 * it stopped, and for a question it left undecided, the rounds that would
 * decide it and what they would cost at the round time measured. Empty for
 * runs made before sampling was recorded.
 */
export function samplingLines(run: RunResult): string[] {
  const questions = answerQuestions(run);
  return Object.entries(run.sampling ?? {}).map(([key, s]) => {
    const looks = s.looks.length > 1 ? `, looks after ${s.looks.join(', ')}` : '';
    const stopped =
      s.lastLook !== undefined
        ? `the next look's rounds did not fit the budget, so the last look came after the ${s.lastLook} that did${s.undecided.length ? '' : ' and decided'}`
        : STOPPED[s.stoppedBy];
    const open = s.undecided.map((question) => {
      const q = questions.find((x) => x.question === question);
      const needed = q?.open[0]?.against?.roundsNeeded;
      if (!needed) return `"${question}" undecided`;
      const more = Math.max(0, needed - s.rounds);
      // The rounds to come are those of the variants still going on.
      const perRound = s.narrowed?.at(-1)?.msPerRound ?? s.msPerRound;
      return `"${question}" undecided; about ${needed} rounds would decide it if the spread holds (${more} more, ~${formatDuration(more * perRound)})`;
    });
    const narrowed = (s.narrowed ?? [])
      .map((n) => `; after ${n.after} only ${n.variants.join(', ')} went on`)
      .join('');
    // A round's time counts the container it shares, as if it were alone.
    const shared = s.sharedWith?.length
      ? `, its containers serving ${s.sharedWith.join(', ')} too`
      : '';
    return `${key}: ${s.rounds} round${s.rounds === 1 ? '' : 's'} (${stopped}${looks}; a round of every variant took ${formatDuration(s.msPerRound)}${shared}${narrowed})${open.length ? `: ${open.join('; ')}` : ''}.`;
  });
}
