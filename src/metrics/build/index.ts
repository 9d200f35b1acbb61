import { LABEL_RUN_ID, managedLabels } from '../../engine/labels.js';
import { summarize } from '../../measure/statistics.js';
import { cacheMountScope, hasCacheMounts } from '../../service/cache-mounts.js';
import {
  present,
  RATIO_CSV_COLUMNS,
  ratioCell,
  ratioCells,
  ratioNote,
  timeCells,
  timed,
} from '../cells.js';
import { groupedBars, missingMetric, samplesPerVariant } from '../charts.js';
import type { Chart, FigureDefinition, Metric, StageContext, VariantPart } from '../metric.js';
import { buildArgsFor, measureRepeated } from '../repeated.js';
import { figuresOf, type RunResult } from '../run-result.js';
import { moduleCache } from './claims/module-cache.js';
import {
  BUILD_SCENARIOS,
  type BuildRoundDetail,
  buildRound,
  type ColdBuilds,
} from './scenarios.js';
import { type BuildMetricResult, type BuildScenarioResult, buildsSchema } from './schema.js';

const BUILD_FIGURES: FigureDefinition[] = BUILD_SCENARIOS.map((scenario) => ({
  name: `build ${scenario}`,
  unit: 'ms' as const,
  metric: 'build',
  turnsOn: 'builder' as const,
  engine: 'build' as const,
  read: (f) => present([[`build ${scenario}`, timed(f.builds?.[scenario].durationMs)]]),
}));
const figureOf = (scenario: (typeof BUILD_SCENARIOS)[number]) =>
  BUILD_FIGURES[BUILD_SCENARIOS.indexOf(scenario)] as FigureDefinition;

const seconds = (s: BuildScenarioResult) => `${(s.durationMs.p50 / 1000).toFixed(1)} s`;
/** The build scenarios, on the run's copy of the service (the warm one edits it, never the user's tree). */
async function measureBuilds(ctx: StageContext, run: RunResult): Promise<RunResult> {
  const { options } = ctx;
  const cold = ctx.cold as ColdBuilds;
  const removeBuildImages = async () => {
    for (const image of await ctx.engine.listImages(
      managedLabels('build-metric-image', { [LABEL_RUN_ID]: run.runId }),
    )) {
      await ctx.engine.removeImage(image.id).catch(() => {});
    }
  };
  return ctx.changes.during("the build scenarios' images", removeBuildImages, () =>
    measureRepeated<BuildRoundDetail>(ctx, run, {
      metric: 'build',
      failureStage: 'build-scenarios',
      rounds: options.samples.build,
      measure: (variant, labels, round) => {
        const entry = ctx.variants.find((v) => v.name === variant.name);
        return buildRound(
          {
            engine: ctx.engine,
            source: { ...options.source, contextDir: cold.serviceCopy },
            mainPackage: options.mainPackage,
            dockerfile: entry?.dockerfile ?? '',
            fallbackIgnoreFile: options.fallbackIgnoreFile,
            ...(entry?.ignoreFile ? { variantIgnoreFile: entry.ignoreFile } : {}),
            // A tag of its own: the measured image keeps its tag, and these are removed after.
            tag: `${variant.image.replace(/:.*$/, '')}-build-metric:${variant.name}`,
            buildArgs: buildArgsFor(variant, options),
            labels: managedLabels('build-metric-image', labels),
            timeoutMs: options.timeouts.build,
            cacheMountScope: cacheMountScope(run.runId, variant.name),
          },
          `run ${run.runId} round ${round + 1} ${variant.name}`,
          round === 0 ? cold.runs.get(variant.name) : undefined,
        );
      },
      attach: (v, samples) => {
        const scenario = (name: (typeof BUILD_SCENARIOS)[number]): BuildScenarioResult => {
          const runs = samples.map((s) => s.detail[name]);
          const hits = runs.map((r) => r.moduleLayerCached);
          return {
            durationMs: summarize(runs.map((r) => r.durationMs)),
            ...(hits.every((h) => h === undefined)
              ? {}
              : { moduleLayerCached: hits.every((h) => h === true) }),
            steps: runs.at(-1)?.steps ?? [],
          };
        };
        const dockerfile = ctx.variants.find((entry) => entry.name === v.name)?.dockerfile ?? '';
        const builds: BuildMetricResult = {
          edit: `a comment line appended to the first .go file of the main package (\`${options.mainPackage}\`)`,
          firstColdIsImageBuild: cold.runs.has(v.name),
          ...(hasCacheMounts(dockerfile) ? { cacheMounts: true as const } : {}),
          cold: scenario('cold'),
          'no-op': scenario('no-op'),
          warm: scenario('warm'),
        };
        return { ...v, builds };
      },
    }),
  );
}

/** Whether a variant of the run builds with cache mounts. */
const withCacheMounts = (run: RunResult): boolean =>
  run.variants.some((v) => figuresOf(v).builds?.cacheMounts);

function buildNote(run: RunResult): string {
  const b = run.variants.map((v) => figuresOf(v).builds).find(Boolean);
  if (!b) return '';
  const first = b.firstColdIsImageBuild
    ? ' The first cold build of each variant is the one that made the image the other metrics measure.'
    : '';
  const mounts = withCacheMounts(run)
    ? " Cache mounts take ids of the run's own (the engine's other caches are neither read nor touched), are emptied before each cold build and kept for the no-op and warm ones."
    : '';
  const n = b.cold.durationMs.n;
  return `Builds: ${n === 1 ? '1 round' : `${n} rounds per variant in shuffled order`}; cold = no build cache (base images present, not counted), no-op = the same context again, warm = after ${b.edit}.${first}${mounts}`;
}

function buildChart(run: RunResult): Chart {
  const rows: Chart['rows'] = [];
  for (const v of run.variants) {
    const builds = figuresOf(v).builds;
    if (!builds) continue;
    for (const scenario of BUILD_SCENARIOS) {
      rows.push({ variant: v.name, scenario, seconds: builds[scenario].durationMs.p50 / 1000 });
    }
  }
  return {
    id: 'build',
    title: 'Build time by scenario',
    caption: `Median build time: cold (no build cache; base images present), warm (after a one-line change to a .go file), no-op (nothing changed); ${samplesPerVariant(run.variants.map((v) => figuresOf(v).builds?.cold.durationMs.n))}. Below the rounds a decision needs, these bars decide nothing: the table marks them ◦.`,
    rows,
    ...(rows.length ? {} : { missing: missingMetric(run, 'build') }),
    spec: groupedBars(rows, {
      series: 'scenario',
      value: 'seconds',
      unit: 'seconds (median)',
      order: [...BUILD_SCENARIOS],
    }),
  };
}

/** A cell of the build table: its rows are the variants that have build figures. */
const cell =
  (pick: (b: BuildMetricResult) => string) =>
  ({ figures }: { figures: { builds?: BuildMetricResult } }) =>
    figures.builds ? pick(figures.builds) : '';

export const build: Metric<'build', VariantPart<'builds', typeof buildsSchema, false>> = {
  name: 'build',
  description:
    'build time of each variant cold (no cache), no-op (nothing changed) and warm (a one-line .go change), with step caching',
  runsOn: 'build engine',
  when: 'after the builds',
  stage: measureBuilds,
  claimChecks: [moduleCache],
  result: { scope: 'variant', key: 'builds', schema: buildsSchema, always: false },
  /**
   * One round: the image's own build is its cold sample, then a no-op and a
   * warm build. A cold or warm build compiles the standard library (~25 s on
   * 2 cores), so a round of six variants costs ~5 min, and no comparison is
   * decided on fewer than 6 rounds: two rounds cost 5 min more and decided
   * nothing. No question of the answer asks for it; `--repeat 6` (or more)
   * gives build times the rule decides on.
   */
  samples: { default: 1, quick: 1, expectedMs: 50_000 },
  figures: BUILD_FIGURES,
  headlines: [{ figure: 'build cold' }],
  table: {
    table: 'build',
    includes: ({ figures }) => figures.builds !== undefined,
    columns: (run) => [
      { header: 'Cold p50', align: 'right', cell: cell((b) => seconds(b.cold)) },
      { header: 'Cold ÷ ref', align: 'right', cell: (row) => ratioCell(row, figureOf('cold')) },
      { header: 'Warm p50', align: 'right', cell: cell((b) => seconds(b.warm)) },
      { header: 'Warm ÷ ref', align: 'right', cell: (row) => ratioCell(row, figureOf('warm')) },
      {
        header: 'Module layer cached (warm)',
        align: 'left',
        cell: cell((b) => {
          const module = b.warm.moduleLayerCached;
          return module === undefined ? 'no such step' : module ? 'yes' : 'no';
        }),
      },
      { header: 'No-op p50', align: 'right', cell: cell((b) => seconds(b['no-op'])) },
      // Where a variant keeps caches between builds, what a warm build saves is the point.
      ...(withCacheMounts(run)
        ? [
            {
              header: 'Warm ÷ cold',
              align: 'right' as const,
              cell: cell((b) => (b.warm.durationMs.p50 / b.cold.durationMs.p50).toFixed(2)),
            },
            {
              header: 'Cache mounts',
              align: 'left' as const,
              cell: cell((b) => (b.cacheMounts ? 'yes' : 'no')),
            },
          ]
        : []),
    ],
    note: (run) => {
      const note = buildNote(run);
      return note && note + ratioNote(run, figureOf('cold'), 'build cold (and warm)');
    },
  },
  csv: {
    columns: ['cached_steps', 'module_layer_cached', ...RATIO_CSV_COLUMNS],
    rows: (row) => {
      const f = row.figures;
      return f.builds
        ? BUILD_SCENARIOS.map((scenario) => {
            const b = (f.builds as BuildMetricResult)[scenario];
            return {
              scenario,
              cells: {
                ...timeCells(b.durationMs),
                cached_steps: `${b.steps.filter((s) => s.cached).length}/${b.steps.length}`,
                ...(b.moduleLayerCached === undefined
                  ? {}
                  : { module_layer_cached: String(b.moduleLayerCached) }),
                ...ratioCells(row, figureOf(scenario)),
              },
            };
          })
        : [];
    },
  },
  chart: buildChart,
};
