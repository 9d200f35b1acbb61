import { basesRead, type ClaimVerdict, judgeClaims, type Verdict } from '../claims/claims.js';
import { errorMessage } from '../errors.js';
import type { Column } from '../metrics/metric.js';
import type { RunResult } from '../metrics/run-result.js';
import { type RenderedTable, tableOf } from './sections.js';

const ORDER: Verdict[] = [
  'confirmed',
  'refuted',
  'confirmed on stand-ins',
  'refuted on stand-ins',
  'inconclusive',
  'not measurable here',
];
/** Counted only when there are some: a run on upstream bases has none. */
const WHEN_ANY: readonly Verdict[] = ['confirmed on stand-ins', 'refuted on stand-ins'];

/**
 * `12 confirmed, 9 refuted, 8 confirmed on stand-ins, 4 refuted on stand-ins,
 * 3 inconclusive, 2 not measurable here`: verdicts that turn on a stand-in
 * base counted apart.
 */
export function verdictCounts(verdicts: ClaimVerdict[]): string {
  return ORDER.map((v) => [v, verdicts.filter((x) => x.verdict === v).length] as const)
    .filter(([v, n]) => n > 0 || !WHEN_ANY.includes(v))
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
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
    const indent = ' '.repeat(23);
    out.push(
      '',
      `${v.verdict.toUpperCase().padEnd(22)} ${v.id}: ${v.asserts}`,
      `${indent}said: “${v.words}”`,
      `${indent}measured: ${v.evidence}`,
      `${indent}bases read: ${basesRead(v.bases)}`,
    );
  }
  out.push('', `${verdictCounts(verdicts)}.`);
  if (verdicts.some((v) => v.verdict.endsWith('on stand-ins'))) {
    out.push(
      '“On stand-ins”: the verdict turns on a stand-in base’s own size or files, so it says what the stand-in is, not yet what the upstream image is; run with `--bases upstream` to judge those.',
    );
  }
  return out.join('\n');
}

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

const column = (header: string, cell: (v: ClaimVerdict) => string): Column<ClaimVerdict> => ({
  header,
  align: 'left',
  cell,
});

const CLAIM_COLUMNS: Array<Column<ClaimVerdict>> = [
  column('Claim', (v) => v.id),
  column('Verdict', (v) => v.verdict),
  column('Asserts', (v) => v.asserts),
  column('Measured', (v) => v.evidence),
  column('Bases read', (v) => basesRead(v.bases)),
];

/** The article's words and where they stand, for a list of every claim (docs/claims.md). */
const QUOTED_COLUMNS: Array<Column<ClaimVerdict>> = [
  column('Claim', (v) => v.id),
  column('Said (where)', (v) => `“${v.words}” (${v.where})`),
  ...CLAIM_COLUMNS.slice(1),
];

/** The verdicts as a table for summary.md and report.html; `quoted` adds the article's words. */
export function claimsTable(verdicts: ClaimVerdict[], quoted = false): RenderedTable {
  return tableOf(quoted ? QUOTED_COLUMNS : CLAIM_COLUMNS, verdicts);
}

/**
 * The verdicts article by article, each article's claims in the order of
 * the verdicts (confirmed first), with the article's counts, its words and
 * where they stand: how report.html groups them. `anchors` maps a metric to
 * the place in the report that shows its figures (`#figures-size`): each
 * claim links to the figures its evidence read.
 */
export function claimsByArticle(
  verdicts: ClaimVerdict[],
  anchors: ReadonlyMap<string, string> = new Map(),
): Array<{ article: string; title: string; counts: string; table: RenderedTable }> {
  const figuresIn = column(
    'Figures',
    (v) =>
      v.metrics.map((m) => (anchors.has(m) ? `[${m}](${anchors.get(m)})` : m)).join(', ') || '–',
  );
  const articles = [...new Set(verdicts.map((v) => v.article))];
  return articles.map((article) => {
    const own = verdicts
      .filter((v) => v.article === article)
      .sort((a, b) => ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict));
    return {
      article,
      title: own[0]?.title ?? article,
      counts: ORDER.map((v) => [v, own.filter((x) => x.verdict === v).length] as const)
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${n} ${v}`)
        .join(', '),
      table: tableOf([...QUOTED_COLUMNS, figuresIn], own),
    };
  });
}
