import { engineName } from '../../engine/engine.js';
import { ImgbenchError } from '../../errors.js';
import { formatDuration, formatMB, formatRatio } from '../../format/format.js';
import type { Sample } from '../../measure/sampler.js';
import { type SampleStatistics, summarize } from '../../measure/statistics.js';
import {
  type LinkProfile,
  shapeRegistryLink,
  transferBoundMs,
} from '../../second-engine/link-shaper.js';
import {
  exact,
  present,
  RATIO_CSV_COLUMNS,
  ratioCell,
  ratioCells,
  ratioNote,
  timeCells,
  timed,
} from '../cells.js';
import { groupedBars, missingMetric, samplesPerVariant } from '../charts.js';
import type {
  Chart,
  Column,
  FigureDefinition,
  Metric,
  SecondEngineStage,
  VariantPart,
  VariantRow,
} from '../metric.js';
import { bailedOut, measureRepeated, stats } from '../repeated.js';
import { figuresOf, type RunResult } from '../run-result.js';
import type { SecondEngine } from '../second-engine.js';
import { REFERENCE_VARIANT } from '../size/index.js';
import { markIfStandIn, standInFootnote } from '../stand-in-marks.js';
import { PULL_OPTIONS } from './options.js';
import { type PullLinkResult, type PullResult, pullSchema } from './schema.js';

/**
 * A compressed size moves by a few bytes with the timestamps in the layer
 * tars, which gzip then codes differently: 0.1 % is its noise.
 */
export const COMPRESSED_SIZE_NOISE_PCT = 0.1;

interface PullDetail {
  transferMs: number;
}

/** One cold pull: the isolated engine emptied (not timed), then the pull (timed). */
async function coldPull(
  site: SecondEngine,
  reference: string,
  timeoutMs: number,
): Promise<Sample<PullDetail>> {
  await site.isolated.empty();
  const outcome = await site.engine.pullImage(reference, timeoutMs);
  if (outcome.layersPresent > 0) {
    throw new ImgbenchError(
      'E_MEASURE',
      `The pull of ${reference} found ${outcome.layersPresent} layer(s) already present on an emptied engine; it was not cold`,
    );
  }
  return { durationMs: outcome.durationMs, detail: { transferMs: outcome.transferMs } };
}

function describeLink(link: LinkProfile): string {
  return link.bitsPerSecond === undefined ? 'loopback, unshaped' : `a link shaped to ${link.name}`;
}

export function linkResult(
  link: LinkProfile,
  compressedBytes: number,
  samples: Array<Sample<PullDetail>>,
): PullLinkResult {
  const durationMs = summarize(samples.map((s) => s.durationMs));
  const result: PullLinkResult = {
    link: link.name,
    durationMs,
    transferMs: stats(samples, (d) => d.transferMs),
  };
  if (link.bitsPerSecond !== undefined) {
    const boundMs = transferBoundMs(compressedBytes, link.bitsPerSecond);
    result.bitsPerSecond = link.bitsPerSecond;
    result.boundMs = boundMs;
    result.boundRatio = durationMs.p50 / boundMs;
  }
  return result;
}

/** Cold pulls of every ok variant over each link in turn: unlimited loopback, then the shaped ones. */
const measurePulls: SecondEngineStage = async (ctx, site, start) => {
  let run = start;
  for (const link of ctx.options.links) {
    if (bailedOut(ctx, run)) break;
    ctx.onStage?.(`pulling over ${describeLink(link)}`);
    const shaping = await shapeRegistryLink(site.registry.port, link);
    const before = run;
    run = await ctx.changes.during(`the ${link.name} qdisc on lo`, shaping.remove, () =>
      measureRepeated<PullDetail>(ctx, before, {
        metric: 'pull',
        failureStage: 'pull',
        rounds: ctx.options.samples.pull,
        measure: (v) =>
          site.blameEndedProcess(() =>
            coldPull(site, site.pushed.get(v.name)?.reference ?? '', ctx.options.timeouts.pull),
          ),
        attach: (v, samples) => {
          const pull: PullResult = v.pull ?? {
            ...(site.pushed.get(v.name) as PullResult),
            links: [],
          };
          return {
            ...v,
            pull: {
              ...pull,
              links: [...pull.links, linkResult(link, pull.compressedBytes, samples)],
            },
          };
        },
        note: link.name,
        figures: [`pull ${link.name}`],
      }),
    );
  }
  return run;
};

/** `pull unlimited`, `pull 100mbit`: the cold pull over each link. */
const PULL_LINKS: FigureDefinition = {
  name: 'pull <link>',
  engine: 'second',
  matches: /^pull (unlimited|\d+(\.\d+)?[kmg]bit)$/,
  unit: 'ms',
  metric: 'pull',
  turnsOn: 'runtime base',
  read: (f) => present((f.pull?.links ?? []).map((l) => [`pull ${l.link}`, timed(l.durationMs)])),
};

const seconds = (s: SampleStatistics) => `${(s.p50 / 1000).toFixed(2)} s`;
/** `170 ms`, `9.83 s`: a pull's median, which runs from a tenth of a second to tens of seconds. */
const subSecond = (ms: number) =>
  ms < 1_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1_000).toFixed(2)} s`;

/**
 * Compressed size, push, then per link: median and rme, and for shaped
 * links the transfer's median (the rest is extraction), the bound and the
 * whole pull's ratio to it; the links as the first variant with pulls has them.
 */
function pullColumns(run: RunResult): Array<Column<VariantRow>> {
  const cell =
    (pick: (p: PullResult, run: RunResult) => string) =>
    ({ figures, run }: VariantRow) =>
      figures.pull ? pick(figures.pull, run) : '';
  const link =
    (name: string, pick: (l: PullLinkResult) => string, missing: string) =>
    ({ figures }: VariantRow) => {
      const l = figures.pull?.links.find((x) => x.link === name);
      return l ? pick(l) : missing;
    };
  const columns: Array<Column<VariantRow>> = [
    {
      header: 'Compressed',
      align: 'right',
      cell: (row) => markIfStandIn(row, cell((p) => formatMB(p.compressedBytes))(row)),
    },
    {
      header: '× smaller than golang',
      align: 'right',
      cell: cell((p, r) => {
        const golang = r.variants.find((v) => v.name === REFERENCE_VARIANT);
        const reference = golang ? figuresOf(golang).pull : undefined;
        return reference ? formatRatio(reference.compressedBytes, p.compressedBytes) : '–';
      }),
    },
    { header: 'Push', align: 'right', cell: cell((p) => formatDuration(p.pushMs)) },
  ];
  const first = run.variants.map((v) => figuresOf(v).pull).find(Boolean);
  for (const l of first?.links ?? []) {
    columns.push(
      {
        header: `Pull ${l.link} p50`,
        align: 'right',
        cell: (row) =>
          markIfStandIn(row, link(l.link, (x) => seconds(x.durationMs), '')(row)) || '–',
      },
      {
        header: '÷ ref',
        align: 'right',
        cell: (row) => ratioCell(row, PULL_LINKS, `pull ${l.link}`),
      },
    );
    if (l.boundMs !== undefined) {
      columns.push(
        {
          header: 'transfer p50',
          align: 'right',
          cell: link(l.link, (x) => seconds(x.transferMs), ''),
        },
        {
          header: `${l.link} bound`,
          align: 'right',
          cell: link(
            l.link,
            (x) => (x.boundMs === undefined ? '' : `${(x.boundMs / 1000).toFixed(2)} s`),
            '',
          ),
        },
        {
          header: '÷ bound',
          align: 'right',
          cell: link(
            l.link,
            (x) => (x.boundMs === undefined ? '' : `${(x.boundRatio ?? 0).toFixed(2)}×`),
            '',
          ),
        },
      );
    }
  }
  return columns;
}

function pullNote(run: RunResult): string {
  const first = run.variants.map((v) => figuresOf(v).pull).find(Boolean);
  if (!first) return '';
  // Variants decided early leave the rounds: their pulls are fewer.
  const counts = run.variants.flatMap(
    (v) => figuresOf(v).pull?.links.map((l) => l.durationMs.n) ?? [],
  );
  const [fewest, most] = [Math.min(...counts), Math.max(...counts)];
  const n = fewest === most ? `${most}` : `${fewest} to ${most}`;
  const storage = first.storage === 'memory' ? 'on a tmpfs' : 'on the disk';
  const second = run.secondEngine ? `${engineName(run.secondEngine.info)}, ` : '';
  return `Pulls: compressed = config + layer blobs from the registry's manifest, the bytes a pull transfers, as the build engine (${engineName(run.engine)}) pushed them. Each of ${n} samples per variant and link is a cold pull (request → image ready, as \`time docker pull\`) from the run's registry on 127.0.0.1 into a second dockerd (${second}${first.maxConcurrentDownloads} parallel download${first.maxConcurrentDownloads === 1 ? '' : 's'}, data root ${storage}) emptied before every sample; shaped links limit the registry's traffic with tc (htb); transfer = request → last layer downloaded, the rest is extraction; bound = compressed bytes ÷ link rate.`;
}

function pullChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  const links: string[] = [];
  for (const v of run.variants) {
    for (const link of figuresOf(v).pull?.links ?? []) {
      if (!links.includes(link.link)) links.push(link.link);
      rows.push({ variant: v.name, link: link.link, seconds: link.durationMs.p50 / 1000 });
    }
  }
  return {
    id: 'pull',
    title: links.length > 1 ? 'Cold pull time per link' : 'Cold pull time',
    caption: `Median cold pull (request → image ready) into an emptied second dockerd, per link: unlimited loopback and any link shaped with tc; ${samplesPerVariant(run.variants.flatMap((v) => (figuresOf(v).pull?.links ?? []).map((l) => l.durationMs.n)))}. Which differences are decided: the answer above and the table's intervals. Linear from zero, each bar labelled; where the range is wide, a second panel zooms on the small ones.`,
    rows,
    ...(rows.length ? {} : { missing: missingMetric(run, 'pull') }),
    spec: groupedBars(rows, {
      series: 'link',
      value: 'seconds',
      unit: 'seconds (median)',
      order: links,
    }),
  };
}

export const pull: Metric<
  'pull',
  VariantPart<'pull', typeof pullSchema, false>,
  typeof PULL_OPTIONS
> = {
  name: 'pull',
  options: PULL_OPTIONS,
  description:
    'bytes a pull transfers (from the registry’s manifest) and cold pulls into an emptied second dockerd, over loopback and shaped links',
  runsOn: 'second engine',
  stage: measurePulls,
  result: { scope: 'variant', key: 'pull', schema: pullSchema, always: false },
  /**
   * Cold pulls until the fastest is decided: a cold pull of the largest
   * variant takes ~13 s on loopback, the others a few seconds or less, and
   * their spread is a few percent, so the first look (7 rounds) decides.
   */
  samples: { default: 16, quick: 2, untilDecided: true, expectedMs: 5_000 },
  figures: [
    {
      name: 'compressed size',
      // The build engine compressed the layers it pushed.
      engine: 'build',
      unit: 'bytes',
      metric: 'pull',
      turnsOn: 'runtime base',
      read: (f) =>
        present([['compressed size', exact(f.pull?.compressedBytes, COMPRESSED_SIZE_NOISE_PCT)]]),
    },
    PULL_LINKS,
  ],
  headlines: [
    {
      figure: 'compressed size',
      column: {
        header: 'Compressed',
        cell: (v) => (v.pull ? formatMB(v.pull.compressedBytes) : '–'),
      },
    },
    {
      figure: 'pull unlimited',
      question: 'Fastest cold pull (loopback)',
      column: {
        header: 'Cold pull p50',
        cell: (v) => {
          const pull = v.pull?.links.find((l) => l.link === 'unlimited');
          return pull ? subSecond(pull.durationMs.p50) : '–';
        },
      },
    },
  ],
  table: {
    table: 'pull',
    includes: ({ figures }) => figures.pull !== undefined,
    columns: pullColumns,
    note: (run) => {
      const note = pullNote(run);
      const marked = standInFootnote(run, (v) => figuresOf(v).pull !== undefined, 'bytes');
      return (
        note && note + ratioNote(run, PULL_LINKS, 'pull unlimited') + (marked ? ` ${marked}` : '')
      );
    },
  },
  csv: {
    columns: ['compressed_bytes', 'transfer_p50_ms', 'bound_ms', ...RATIO_CSV_COLUMNS],
    rows: (row) =>
      (row.figures.pull?.links ?? []).map((l) => ({
        scenario: l.link,
        cells: {
          ...timeCells(l.durationMs),
          compressed_bytes: (row.figures.pull as PullResult).compressedBytes,
          transfer_p50_ms: l.transferMs.p50,
          ...(l.boundMs === undefined ? {} : { bound_ms: l.boundMs }),
          ...ratioCells(row, PULL_LINKS, `pull ${l.link}`),
        },
      })),
  },
  chart: pullChart,
};
