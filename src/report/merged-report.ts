import { engineName } from '../engine/engine.js';
import { formatFigure, formatMB } from '../format/format.js';
import { FEW_ROUNDS_MARK, times } from '../metrics/cells.js';
import { figureDefinition } from '../metrics/figures.js';
import { HEADLINE_FIGURES } from '../metrics/headlines.js';
import type { Column } from '../metrics/metric.js';
import { ruleOfMetric } from '../metrics/rule-of.js';
import { STAND_IN_MARK, standInDeciding } from '../metrics/stand-in-marks.js';
import { escapeHtml, htmlPage, htmlTable, inlineCode } from './html.js';
import { markdownTable } from './markdown.js';
import {
  type AcrossDecision,
  type MachineFigure,
  type MergedRun,
  machineAnswers,
  machineFigures,
  serviceNameOf,
} from './merge.js';
import { type RenderedTable, tableOf } from './sections.js';
import { renderColumns, wrapWords } from './table.js';

/** A part of the merged report: a heading, its table, the words under it. */
interface MergedSection {
  title: string;
  table?: RenderedTable;
  lines: string[];
}

const interval = (ci: readonly [number, number]) => `${ci[0].toFixed(2)}–${ci[1].toFixed(2)}`;

/** `+512 B`, `−1.20 MB`: a difference of bytes. */
function bytesDelta(delta: number): string {
  const sign = delta > 0 ? '+' : '−';
  const size = Math.abs(delta);
  return `${sign}${size < 1_000_000 ? `${size} B` : formatMB(size)}`;
}

function acrossCell(a: AcrossDecision, margin: number): string {
  switch (a.kind) {
    case 'first':
      return '(set against)';
    case 'reference':
      return 'ref';
    case 'exact':
      if (a.deltaBytes === 0) return 'same bytes';
      return a.withinNoisePct === undefined
        ? `differs: ${bytesDelta(a.deltaBytes)}`
        : `${bytesDelta(a.deltaBytes)}, within its noise (±${a.withinNoisePct} %)`;
    case 'none':
      return `not compared: ${a.why}`;
    case 'relative': {
      const ci = a.ratioCi ? ` (${interval(a.ratioCi)})` : '';
      if (a.decision === 'same') return `same within ±${margin} %${ci}`;
      if (a.decision === 'changed') return `differs: ${times(a.ratio)}${ci}`;
      return `undecided: ${times(a.ratio)}${ci || ` ${FEW_ROUNDS_MARK}`}`;
    }
  }
}

function refCell(row: MachineFigure): string {
  if (!row.ref) return '';
  if (row.isReference) return 'ref';
  return row.ref.ci
    ? `${times(row.ref.p50)} (${interval(row.ref.ci)})`
    : `${times(row.ref.p50)} ${FEW_ROUNDS_MARK}`;
}

/** The merged report's parts, in order: machines, the answers on each, then one table per figure. */
export function mergedSections(
  merged: MergedRun,
  figures: readonly string[] = HEADLINE_FIGURES,
): MergedSection[] {
  const { machines } = merged;
  const [first] = machines as [(typeof machines)[number]];
  const margin = ruleOfMetric(first.run, '').marginPct;
  const sections: MergedSection[] = [];

  const machineColumns: Array<Column<(typeof machines)[number]>> = [
    { header: 'Machine', align: 'left', cell: (m) => m.name },
    { header: 'Run', align: 'left', cell: (m) => m.run.runId },
    { header: 'Build engine', align: 'left', cell: (m) => engineName(m.run.engine) },
    {
      header: 'Second engine (pull, startup, memory)',
      align: 'left',
      cell: (m) => (m.run.secondEngine ? engineName(m.run.secondEngine.info) : '–'),
    },
    {
      header: 'Host',
      align: 'left',
      cell: (m) =>
        `${m.run.host.platform}/${m.run.host.arch}, ${m.run.host.cpus} CPUs, cgroup v${m.run.engine.cgroupVersion}`,
    },
    {
      header: 'Bases',
      align: 'left',
      cell: (m) => (m.run.bases.profile === 'offline' ? 'stand-ins' : 'upstream'),
    },
  ];
  sections.push({
    title: 'Machines',
    table: tableOf(machineColumns, machines),
    lines: [
      `${machines.length} runs of ${serviceNameOf(first.run)}, each on a machine of its own; the first (${first.name}) is the one the others are set against.`,
    ],
  });

  const answers = machineAnswers(merged);
  const which = (agreement: (typeof answers)[number]['agreement']) =>
    answers.filter((a) => a.agreement === agreement).map((a) => a.question);
  const [same, differ, open] = [which('same'), which('differs'), which('open')];
  sections.push({
    title: 'The answers on each machine',
    table: tableOf(
      [
        { header: 'Question', align: 'left', cell: (a) => a.question },
        ...machines.map(
          (m, i): Column<(typeof answers)[number]> => ({
            header: m.name,
            align: 'left',
            cell: (a) => a.answers[i] ?? '',
          }),
        ),
      ],
      answers,
    ),
    lines: [
      ...(same.length ? [`The same answer on every machine: ${same.join('; ')}.`] : []),
      ...(differ.length
        ? [
            `Decided on every machine, not alike: ${differ.join('; ')}. Each answer is its own machine's, by the rule of its run.`,
          ]
        : []),
      ...(open.length
        ? [
            `Not decided on every machine: ${open.join('; ')}; more rounds on the machine that left it open would tell whether the machines agree.`,
          ]
        : []),
    ],
  });

  for (const figure of figures) {
    const rows = machineFigures(merged, figure);
    if (!rows.some((r) => r.figure)) continue;
    const definition = figureDefinition(figure);
    const marked = (row: MachineFigure) => {
      const v = machines
        .find((m) => m.name === row.machine)
        ?.run.variants.find((x) => x.name === row.variant);
      return v && standInDeciding(v, definition?.turnsOn) !== undefined;
    };
    const timed = rows.some((r) => r.figure?.samples);
    const columns: Array<Column<MachineFigure>> = [
      { header: 'Variant', align: 'left', cell: (r) => r.variant },
      { header: 'Machine', align: 'left', cell: (r) => r.machine },
      { header: 'Engine', align: 'left', cell: (r) => r.engine },
      {
        header: timed ? `${figure} p50` : figure,
        align: 'right',
        cell: (r) =>
          r.figure
            ? `${formatFigure(r.figure.value, r.figure.unit)}${marked(r) ? ` ${STAND_IN_MARK}` : ''}`
            : (r.state ?? '–'),
      },
      ...(timed
        ? [
            {
              header: 'Rounds',
              align: 'right' as const,
              cell: (r: MachineFigure) => String(r.figure?.samples?.length ?? ''),
            },
            { header: '÷ ref', align: 'right' as const, cell: refCell },
          ]
        : []),
      {
        header: `Against ${first.name}`,
        align: 'left',
        cell: (r) => acrossCell(r.across, margin),
      },
    ];
    const differs = rows.filter(
      (r) =>
        (r.across.kind === 'relative' && r.across.decision === 'changed') ||
        (r.across.kind === 'exact' &&
          r.across.deltaBytes !== 0 &&
          r.across.withinNoisePct === undefined),
    );
    const lines = [
      timed
        ? `Each ${figure} is its own machine's and is not set against another machine's: a faster runner is not a faster variant. Against ${first.name}: each machine's ratio to its own reference (÷ ref, round by round, where the machine's pace cancels) over the first machine's, with the interval bounded by the two intervals; differs when it lies wholly beyond 1 ± ${margin} %, the same when it lies inside that band, else undecided (the rule of every comparison of imgbench). ${FEW_ROUNDS_MARK}: too few rounds for an interval.`
        : `Bytes are set against bytes: the same image built on two machines is the same bytes or not.${rows.some((r) => r.across.kind === 'exact' && r.across.withinNoisePct !== undefined) ? ' A figure with a stated noise (the compressed size: gzip of the same layers) is the same within it.' : ''}`,
      differs.length === 0
        ? `No variant's ${figure} differs from ${first.name}'s${timed ? ' relative to its reference' : ''}.`
        : `Differs from ${first.name}: ${differs.map((r) => `${r.variant} on ${r.machine}`).join(', ')}.`,
      ...(rows.some(marked)
        ? [
            `${STAND_IN_MARK} a stand-in base decides the figure (its bytes or files), which the upstream image's would change; each run's report names it.`,
          ]
        : []),
    ];
    sections.push({ title: `${figure}`, table: tableOf(columns, rows), lines });
  }
  return sections;
}

const title = (merged: MergedRun) =>
  `imgbench merged run: ${merged.machines[0] ? serviceNameOf(merged.machines[0].run) : ''} on ${merged.machines.length} machines`;

/** The merged run for a terminal or a CI log. */
export function mergedText(
  merged: MergedRun,
  options: { figures?: readonly string[]; width?: number } = {},
): string {
  const out = [title(merged), ''];
  for (const s of mergedSections(merged, options.figures)) {
    out.push(s.title, '');
    if (s.table) out.push(renderColumns(s.table), '');
    for (const line of s.lines) out.push(wrapWords(line, options.width));
    out.push('');
  }
  return out.join('\n').trimEnd();
}

/** The merged run as GitHub Markdown (a job summary). */
export function mergedMarkdown(merged: MergedRun, figures?: readonly string[]): string {
  const out = [`## ${title(merged)}`, ''];
  for (const s of mergedSections(merged, figures)) {
    out.push(`### ${s.title}`, '');
    if (s.table) out.push(...markdownTable(s.table), '');
    for (const line of s.lines) out.push(line, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** The merged run as one HTML page, tables only. */
export function mergedHtml(merged: MergedRun, figures?: readonly string[]): string {
  const body = mergedSections(merged, figures).flatMap((s) => [
    `<h2>${escapeHtml(s.title)}</h2>`,
    ...(s.table ? [htmlTable(s.table)] : []),
    ...s.lines.map((line) => `<p>${inlineCode(line)}</p>`),
  ]);
  return htmlPage(title(merged), body.join('\n'));
}
