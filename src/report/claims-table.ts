import { type ClaimVerdict, judgeClaims, type Verdict } from '../claims/claims.js';
import { errorMessage } from '../errors.js';
import type { RunResult } from '../types.js';

const ORDER: Verdict[] = ['confirmed', 'refuted', 'inconclusive', 'not measurable here'];

/** `12 confirmed, 9 refuted, 3 inconclusive, 2 not measurable here`. */
export function verdictCounts(verdicts: ClaimVerdict[]): string {
  return ORDER.map((v) => `${verdicts.filter((x) => x.verdict === v).length} ${v}`).join(', ');
}

/** Each claim with its verdict and evidence, article by article, for a terminal. */
export function toClaimsText(run: RunResult, verdicts = judgeClaims(run)): string {
  const out: string[] = [`Claims of the seed articles against run ${run.runId}`];
  let article = '';
  for (const v of verdicts) {
    if (v.article !== article) {
      article = v.article;
      out.push('', `## ${article}`);
    }
    out.push(
      '',
      `${v.verdict.toUpperCase().padEnd(19)} ${v.id}: ${v.asserts}`,
      `                    said: “${v.words}”`,
      `                    measured: ${v.evidence}`,
    );
  }
  out.push('', `${verdictCounts(verdicts)}.`);
  if (run.bases.profile !== 'upstream') {
    out.push(
      'Base images were local stand-ins, not the upstream ones: sizes and gaps of the runtime bases are the stand-ins’ (see the Bases line of the run).',
    );
  }
  return out.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The verdicts for a report; a claims folder that cannot be read gives none,
 * and the reason, instead of stopping the run's files from being written.
 */
export function verdictsForReport(run: RunResult): { verdicts: ClaimVerdict[]; problem?: string } {
  try {
    return { verdicts: judgeClaims(run) };
  } catch (error) {
    return { verdicts: [], problem: `the claims could not be judged: ${errorMessage(error)}` };
  }
}

/** The verdicts as a GitHub table, for summary.md and report.html. */
export function claimsMarkdownRows(verdicts: ClaimVerdict[]): string[] {
  return [
    '| Claim | Verdict | Asserts | Measured |',
    '| --- | --- | --- | --- |',
    ...verdicts.map((v) => `| ${v.id} | ${v.verdict} | ${cell(v.asserts)} | ${cell(v.evidence)} |`),
  ];
}
