import { formatDuration } from '../format/format.js';
import type { RunResult } from '../metrics/run-result.js';
import { answerLines } from './answer.js';
import { basesLine, skippedLine } from './bases-line.js';
import { chartsOf, renderSvg } from './charts.js';
import { claimsByArticle, verdictCounts, verdictsForReport } from './claims-table.js';
import { recommendationLines } from './recommend.js';
import { samplingLines } from './sampling.js';
import { type RenderedTable, reportTables } from './sections.js';

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** `code` spans and links within the page (`[size](#figures-size)`) as the Markdown notes write them. */
export const inlineCode = (text: string) =>
  escapeHtml(text)
    .replace(/`([^`]+)`/g, (_, code: string) => `<code>${code}</code>`)
    .replace(
      /\[([^\]]+)\]\((#[a-z0-9-]+)\)/g,
      (_, label: string, href: string) => `<a href="${href}">${label}</a>`,
    );

/** The id of the place that shows a metric's figures. */
const figuresId = (metric: string) => `figures-${metric}`;

/**
 * Each metric's anchor: on the first table that holds its figures, else on
 * its chart.
 */
function figureAnchors(tables: readonly RenderedTable[], charts: ReadonlyArray<{ id: string }>) {
  const anchors = new Map<string, string>();
  for (const t of tables) {
    for (const m of t.metrics ?? []) if (!anchors.has(m)) anchors.set(m, `#${figuresId(m)}`);
  }
  for (const c of charts) if (!anchors.has(c.id)) anchors.set(c.id, `#chart-${c.id}`);
  return anchors;
}

/** A table in its own scroll box; `anchored`: the metrics whose anchor a table above already has. */
export function htmlTable(section: RenderedTable, anchored?: Set<string>): string {
  // Each metric's anchor goes on the first table with its figures.
  const ids = (section.metrics ?? []).filter((m) => anchored && !anchored.has(m));
  for (const m of ids) anchored?.add(m);
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${section.columns[i]?.align === 'left' ? '' : ' class="num"'}>${inlineCode(text)}</${tag}>`;
  return [
    ...ids.map((m) => `<span id="${figuresId(m)}"></span>`),
    // A wide table scrolls in its own box: the page never scrolls sideways.
    '<div class="table-wrap"><table>',
    `<thead><tr>${section.columns.map((c, i) => cell('th', c.header, i)).join('')}</tr></thead>`,
    '<tbody>',
    ...section.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`),
    '</tbody>',
    '</table></div>',
  ].join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
figure { margin: 1.5rem 0; padding: 1rem; border: 1px solid #d0d7de; border-radius: 6px; }
figcaption { color: #57606a; margin-top: .5rem; }
.missing { color: #9a6700; font-style: italic; }
table { border-collapse: collapse; margin: 1rem 0; }
.table-wrap { max-width: 100%; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
body { overflow-wrap: anywhere; }
#recommendation { border-left: 4px solid #1a7f37; padding: .25rem 1rem; background: #f6f8fa; }
#recommendation > p { font-size: 1.05rem; }
nav { margin: 1rem 0; } summary { cursor: pointer; margin: .25rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; }
/* Words in a cell break at spaces only: a wide table scrolls in its box rather than breaking \`confirmed\` mid-word. */
th, td { overflow-wrap: normal; }
td { min-width: 3rem; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; }
`;

/**
 * One self-contained HTML file: the charts as inline SVG (no script, no
 * network), the tables of the Markdown summary, failures with their log tails.
 */
export async function toHtml(run: RunResult): Promise<string> {
  const chartList = chartsOf(run);
  const charts = await Promise.all(
    chartList.map(async (chart) => {
      const body = chart.missing
        ? `<p class="missing">Not shown: ${inlineCode(chart.missing)}.</p>`
        : await renderSvg(chart.spec);
      return [
        `<figure id="chart-${chart.id}" data-rows="${chart.rows.length}">`,
        `<h3>${inlineCode(chart.title)}</h3>`,
        body,
        `<figcaption>${inlineCode(chart.caption)}</figcaption>`,
        '</figure>',
      ].join('\n');
    }),
  );
  const { verdicts, problem } = verdictsForReport(run);
  const sampling = samplingLines(run);
  const skipped = skippedLine(run);
  const tables = reportTables(run);
  const anchors = figureAnchors(tables, chartList);
  const anchored = new Set<string>();
  const [lead, ...rest] = tables;
  const status = run.complete
    ? 'complete'
    : `incomplete${
        run.stoppedBy === 'service'
          ? " (stopped: the service's port or ready path was not found)"
          : run.stoppedBy
            ? ` (stopped by ${run.stoppedBy})`
            : ''
      }`;
  const took = run.finishedAt
    ? `, took ${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))}`
    : '';
  const failures = run.variants.flatMap((v) =>
    v.state === 'failed'
      ? [
          `<h3>${escapeHtml(v.name)}: ${escapeHtml(v.failure.stage)} failed</h3>`,
          `<p>${inlineCode(v.failure.message)}</p>`,
          ...(v.failure.logTail ? [`<pre>${escapeHtml(v.failure.logTail)}</pre>`] : []),
        ]
      : [],
  );
  return htmlPage(
    `imgbench run ${run.runId}`,
    `${recommendationHtml(run)}<ul id="answer">
${answerLines(run)
  .map((line) => `<li>${strong(inlineCode(line))}</li>`)
  .join('\n')}
</ul>${sampling.length ? `\n<p id="rounds">Rounds: ${inlineCode(sampling.join(' '))}</p>` : ''}
<p>Started ${escapeHtml(run.startedAt)}, ${status}${took}. Engine ${escapeHtml(run.engine.serverVersion)} (API ${escapeHtml(run.engine.apiVersion)}, ${escapeHtml(run.engine.storageDriver)}), ${run.host.cpus} CPUs. Metrics: ${escapeHtml(run.metrics.join(', '))}.</p>
<p>${inlineCode(basesLine(run))}.</p>${skipped ? `\n<p>${inlineCode(skipped)}.</p>` : ''}
<nav id="contents"><a href="#variants">Variants</a> · <a href="#charts">Charts</a> · <a href="#tables">Tables</a>${failures.length ? ' · <a href="#failures">Failures</a>' : ''} · <a href="#claims">Claims</a></nav>
<h2 id="variants">Variants</h2>
<ul>
${run.variants.map((v) => `<li><strong>${escapeHtml(v.name)}</strong>: ${inlineCode(v.description)}</li>`).join('\n')}
</ul>
<h2 id="charts">Charts</h2>
${charts.join('\n')}
<h2 id="tables">Tables</h2>
${lead ? htmlTable(lead, anchored) : ''}
${rest.map((s) => `${htmlTable(s, anchored)}\n<p>${inlineCode(s.note)}</p>`).join('\n')}
${failures.length ? `<h2 id="failures">Failures</h2>\n${failures.join('\n')}` : ''}
<h2 id="claims">Claims of the seed articles</h2>
<p>${inlineCode(problem ?? `${verdictCounts(verdicts)}.`)}</p>
${claimsByArticle(verdicts, anchors)
  .map(
    (a) =>
      `<details>\n<summary><strong>${escapeHtml(a.title)}</strong> (${escapeHtml(a.article)}): ${escapeHtml(a.counts)}</summary>\n${htmlTable(a.table)}\n</details>`,
  )
  .join('\n')}`,
  );
}

/** A whole page: `title` as its title and first heading, then `body`. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

const strong = (text: string) => text.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

/** Which variant to ship, and why, before anything else. */
function recommendationHtml(run: RunResult): string {
  const [pick, ...why] = recommendationLines(run);
  if (!pick) return '';
  return `<section id="recommendation">
<p>${strong(inlineCode(pick))}</p>${why.length ? `\n<ul>\n${why.map((line) => `<li>${inlineCode(line)}</li>`).join('\n')}\n</ul>` : ''}
</section>
`;
}
