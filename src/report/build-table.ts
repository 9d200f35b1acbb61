import { type BuildScenarioResult, figuresOf, type RunResult } from '../types.js';

export const BUILD_COLUMNS = [
  'Variant',
  'Cold p50',
  '± rme',
  'Warm p50',
  '± rme',
  'Module layer cached (warm)',
  'No-op p50',
] as const;

const seconds = (s: BuildScenarioResult) => `${(s.durationMs.p50 / 1000).toFixed(1)} s`;
const rme = (s: BuildScenarioResult) =>
  Number.isFinite(s.durationMs.rme) ? `${s.durationMs.rme.toFixed(1)} %` : '–';

export function hasBuildFigures(run: RunResult): boolean {
  return run.variants.some((v) => figuresOf(v).builds);
}

export function buildRows(run: RunResult): string[][] {
  return run.variants.flatMap((variant) => {
    const b = figuresOf(variant).builds;
    if (!b) return [];
    const module = b.warm.moduleLayerCached;
    return [
      [
        variant.name,
        seconds(b.cold),
        rme(b.cold),
        seconds(b.warm),
        rme(b.warm),
        module === undefined ? 'no such step' : module ? 'yes' : 'no',
        seconds(b['no-op']),
      ],
    ];
  });
}

export function buildNote(run: RunResult): string {
  const b = run.variants.map((v) => figuresOf(v).builds).find(Boolean);
  if (!b) return '';
  const first = b.firstColdIsImageBuild
    ? ' The first cold build of each variant is the one that made the image the other metrics measure.'
    : '';
  return `Builds: ${b.cold.durationMs.n} rounds per variant in shuffled order; cold = no build cache (base images present, not counted), no-op = the same context again, warm = after ${b.edit}.${first}`;
}
