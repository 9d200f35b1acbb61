import { engineName } from '../../engine/engine.js';
import { MeasuredFailure } from '../../errors.js';
import { formatMB, formatRatio } from '../../format/format.js';
import { measureImageSize, type SizeBasis, sizeBasisOf } from '../../measure/image-size.js';
import { exact, present } from '../cells.js';
import { groupedBars, MB } from '../charts.js';
import type { Chart, Metric, VariantPart, VariantRow } from '../metric.js';
import { figuresOf, type RunResult, type VariantResult } from '../run-result.js';
import { markIfStandIn, standInFootnote } from '../stand-in-marks.js';
import { sizeSchema } from './schema.js';

/** The variant every ratio is taken against: the seeds' starting point. */
export const REFERENCE_VARIANT = 'golang';

function referenceSize(run: RunResult): number | undefined {
  const reference = run.variants.find((v) => v.name === REFERENCE_VARIANT);
  return reference ? figuresOf(reference).size?.sizeBytes : undefined;
}

function failureSummary(variant: VariantResult): string {
  if (variant.state !== 'failed') return '';
  return `${variant.failure.stage} failed: ${variant.failure.message.split('\n')[0]}`;
}

/**
 * The basis a run's sizes are on: `layer-tars` when any variant's are,
 * `engine` for a run written before sizes were summed from layer tars, none
 * when no variant was sized.
 */
export function runSizeBasis(run: RunResult): SizeBasis | undefined {
  const bases = new Set(
    run.variants.flatMap((v) => {
      const s = figuresOf(v).size;
      return s ? [sizeBasisOf(s)] : [];
    }),
  );
  return bases.has('layer-tars') ? 'layer-tars' : bases.has('engine') ? 'engine' : undefined;
}

/** Which basis the sizes are on, and whose the engine's own figure is. */
function sizeNote(run: RunResult): string {
  if (runSizeBasis(run) === 'engine') {
    return `Sizes are uncompressed, as \`docker image inspect\` reported them on ${engineName(run.engine)} (a run written before sizes were summed from layer tars); MB = 10^6 bytes.`;
  }
  return `Sizes are uncompressed: the sum of the layers' tar sizes, the same on every engine and image store. Engine says: \`docker image inspect\` .Size on ${engineName(run.engine)}, which differs by engine and store. MB = 10^6 bytes.`;
}

/** A size cell; empty for a variant that has no size (it failed before it was sized). */
const sized =
  (pick: (s: NonNullable<VariantRow['figures']['size']>, row: VariantRow) => string) =>
  ({ figures, ...row }: VariantRow) =>
    figures.size ? pick(figures.size, { figures, ...row }) : '';

function sizeChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  for (const v of run.variants) {
    const f = figuresOf(v);
    if (!f.size) continue;
    rows.push({ variant: v.name, kind: 'image (uncompressed)', MB: f.size.sizeBytes / MB });
    if (f.pull)
      rows.push({ variant: v.name, kind: 'pull (compressed)', MB: f.pull.compressedBytes / MB });
    rows.push({ variant: v.name, kind: 'binary', MB: f.size.binary.sizeBytes / MB });
  }
  const order = ['image (uncompressed)', 'pull (compressed)', 'binary'];
  return {
    id: 'size',
    title: 'Image size',
    caption:
      'Uncompressed image size (the sum of its layers’ tar sizes), the bytes a pull transfers (config and compressed layers, from the registry’s manifest; when pull ran), and the service binary. MB = 10^6 bytes. Linear from zero, each bar labelled; where the range is wide, a second panel zooms on the small ones.',
    rows,
    ...(rows.length ? {} : { missing: 'no variant was built' }),
    spec: groupedBars(rows, { series: 'kind', value: 'MB', unit: 'MB', order }),
  };
}

export const size: Metric<'size', VariantPart<'size', typeof sizeSchema, true>> = {
  name: 'size',
  description:
    'image size (the layer tars’ sum, and the engine’s own figure), layers, and the service binary’s size and linkage',
  runsOn: 'build engine',
  when: 'after each build',
  measureImage: async (ctx, image) => {
    const size = await measureImageSize(ctx.engine, image.imageId, image.labels);
    const { binary } = size;
    // No program, nothing to compare: an image is ok only with an executable to run.
    if (binary.linkage === 'not-elf') {
      throw new MeasuredFailure(
        `\`${binary.path}\`, which the image runs, is not a program: ${binary.notElf} (${binary.sizeBytes.toLocaleString('en-US')} bytes); build a main package (\`--main\`)`,
        size,
      );
    }
    return size;
  },
  result: { scope: 'variant', key: 'size', schema: sizeSchema, always: true },
  figures: [
    {
      name: 'image size',
      // On the layer-tars basis; compare sets runs on another basis apart.
      engine: 'none',
      unit: 'bytes',
      metric: 'size',
      turnsOn: 'runtime base',
      read: (f) => present([['image size', exact(f.size?.sizeBytes)]]),
    },
    {
      name: 'binary size',
      engine: 'none',
      unit: 'bytes',
      metric: 'size',
      turnsOn: 'none',
      read: (f) => present([['binary size', exact(f.size?.binary.sizeBytes)]]),
    },
  ],
  headlines: [
    {
      figure: 'image size',
      question: 'Smallest image',
      column: { header: 'Image size', cell: (v) => formatMB(v.size.sizeBytes) },
    },
    {
      figure: 'binary size',
      column: {
        header: 'Binary',
        cell: (v) => `${formatMB(v.size.binary.sizeBytes)} ${v.size.binary.linkage}`,
      },
    },
  ],
  table: {
    table: 'size',
    includes: () => true,
    columns: () => [
      {
        header: 'State',
        align: 'left',
        cell: ({ variant: v, figures }) =>
          figures.size && v.state === 'failed' ? `failed at ${v.failure.stage}` : v.state,
      },
      {
        header: 'Image size',
        align: 'right',
        cell: sized((s, row) => markIfStandIn(row, formatMB(s.sizeBytes))),
      },
      { header: 'Bytes', align: 'right', cell: sized((s) => String(s.sizeBytes)) },
      {
        header: '× smaller than golang',
        align: 'right',
        cell: sized((s, { run }) => {
          const reference = referenceSize(run);
          return reference === undefined ? '–' : formatRatio(reference, s.sizeBytes);
        }),
      },
      { header: 'Layers', align: 'right', cell: sized((s) => String(s.layerCount)) },
      {
        header: 'Engine says',
        align: 'right',
        cell: sized((s) => {
          const bytes =
            s.engineSizeBytes ?? (sizeBasisOf(s) === 'engine' ? s.sizeBytes : undefined);
          return bytes === undefined ? '–' : formatMB(bytes);
        }),
      },
      { header: 'Binary', align: 'right', cell: sized((s) => formatMB(s.binary.sizeBytes)) },
      {
        header: 'Linkage',
        align: 'left',
        // A variant that failed before it was sized says why here.
        cell: ({ variant, figures }) =>
          figures.size ? figures.size.binary.linkage : failureSummary(variant),
      },
    ],
    note: (run) =>
      [sizeNote(run), standInFootnote(run, (v) => figuresOf(v).size !== undefined, 'bytes')]
        .filter(Boolean)
        .join(' '),
  },
  csv: {
    columns: [
      'image_size_bytes',
      'size_basis',
      'engine_image_size_bytes',
      'layer_count',
      'binary_size_bytes',
      'binary_linkage',
      'build_duration_ms',
    ],
    rows: ({ variant: v, figures: f }) => [
      {
        scenario: 'image',
        cells: {
          ...(f.size
            ? {
                image_size_bytes: f.size.sizeBytes,
                size_basis: sizeBasisOf(f.size),
                ...(f.size.engineSizeBytes === undefined
                  ? {}
                  : { engine_image_size_bytes: f.size.engineSizeBytes }),
                layer_count: f.size.layerCount,
                binary_size_bytes: f.size.binary.sizeBytes,
                binary_linkage: f.size.binary.linkage,
              }
            : {}),
          ...(f.build ? { build_duration_ms: Math.round(f.build.durationMs) } : {}),
          ...(v.state === 'failed' ? { error: `${v.failure.stage}: ${v.failure.message}` } : {}),
        },
      },
    ],
  },
  chart: sizeChart,
};
