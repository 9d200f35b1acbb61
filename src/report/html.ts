import { formatDuration } from '../format/format.js';
import type { RunResult } from '../metrics/run-result.js';
import { answerLines } from './answer.js';
import { basesLine, skippedLine } from './bases-line.js';
import { chartsOf, renderSvg } from './charts.js';
import { claimsTable, verdictCounts, verdictsForReport } from './claims-table.js';
import { recommendationLines } from './recommend.js';
import { samplingLines } from './sampling.js';
import { type RenderedTable, reportTables } from './sections.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

/** `code` spans as the Markdown notes write them. */
const inlineCode = (text: string) =>
  escapeHtml(text).replace(/`([^`]+)`/g, (_, code: string) => `<code>${code}</code>`);

function table(section: RenderedTable): string {
  const cell = (tag: 'th' | 'td', text: string, i: number) =>
    `<${tag}${section.columns[i]?.align === 'left' ? '' : ' class="num"'}>${escapeHtml(text)}</${tag}>`;
  return [
    '<table>',
    `<thead><tr>${section.columns.map((c, i) => cell('th', c.header, i)).join('')}</tr></thead>`,
    '<tbody>',
    ...section.rows.map((row) => `<tr>${row.map((c, i) => cell('td', c, i)).join('')}</tr>`),
    '</tbody>',
    '</table>',
  ].join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
figure { margin: 1.5rem 0; padding: 1rem; border: 1px solid #d0d7de; border-radius: 6px; }
figcaption { color: #57606a; margin-top: .5rem; }
.missing { color: #9a6700; font-style: italic; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; }
`;

/**
 * One self-contained HTML file: the charts as inline SVG (no script, no
 * network), the tables of the Markdown summary, failures with their log tails.
 */
export async function toHtml(run: RunResult): Promise<string> {
  const charts = await Promise.all(
    chartsOf(run).map(async (chart) => {
      const body = chart.missing
        ? `<p class="missing">Not shown: ${escapeHtml(chart.missing)}.</p>`
        : await renderSvg(chart.spec);
      return [
        `<figure id="chart-${chart.id}" data-rows="${chart.rows.length}">`,
        `<h2>${escapeHtml(chart.title)}</h2>`,
        body,
        `<figcaption>${inlineCode(chart.caption)}</figcaption>`,
        '</figure>',
      ].join('\n');
    }),
  );
  const { verdicts, problem } = verdictsForReport(run);
  const sampling = samplingLines(run);
  const skipped = skippedLine(run);
  const [lead, ...rest] = reportTables(run);
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
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>imgbench run ${escapeHtml(run.runId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>imgbench run ${escapeHtml(run.runId)}</h1>
${recommendationHtml(run)}<ul id="answer">
${answerLines(run)
  .map((line) => `<li>${strong(escapeHtml(line))}</li>`)
  .join('\n')}
</ul>${sampling.length ? `\n<p id="rounds">Rounds: ${escapeHtml(sampling.join(' '))}</p>` : ''}
<p>Started ${escapeHtml(run.startedAt)}, ${status}${took}. Engine ${escapeHtml(run.engine.serverVersion)} (API ${escapeHtml(run.engine.apiVersion)}, ${escapeHtml(run.engine.storageDriver)}), ${run.host.cpus} CPUs. Metrics: ${escapeHtml(run.metrics.join(', '))}.</p>
<p>${escapeHtml(basesLine(run))}.</p>${skipped ? `\n<p>${escapeHtml(skipped)}.</p>` : ''}
${charts.join('\n')}
<h2>Tables</h2>
${lead ? table(lead) : ''}
${rest.map((s) => `${table(s)}\n<p>${inlineCode(s.note)}</p>`).join('\n')}
${failures.length ? `<h2>Failures</h2>\n${failures.join('\n')}` : ''}
<h2>Claims of the seed articles</h2>
<p>${escapeHtml(problem ?? `${verdictCounts(verdicts)}.`)}</p>
${table(claimsTable(verdicts))}
<h2>Variants</h2>
<ul>
${run.variants.map((v) => `<li><strong>${escapeHtml(v.name)}</strong>: ${escapeHtml(v.description)}</li>`).join('\n')}
</ul>
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
