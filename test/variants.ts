import type { RunResult, VariantResult } from '../src/metrics/run-result.js';

/** The sample's six variants, in the catalogue's order. */
export const SIX_VARIANTS: readonly string[] = [
  'golang',
  'alpine',
  'multi-stage',
  'stripped',
  'scratch',
  'distroless',
];

export type OkVariant = Extract<VariantResult, { state: 'ok' }>;

/** The variant `name` of `run`, which must be ok: else the test fails saying what it was. */
export function okVariant(run: RunResult, name: string): OkVariant {
  const v = run.variants.find((x) => x.name === name);
  if (v?.state !== 'ok') throw new Error(`${name} is ${v?.state}: ${JSON.stringify(v)}`);
  return v;
}

/** Every variant of `run`, each of which must be ok. */
export const okVariants = (run: RunResult): OkVariant[] =>
  run.variants.map((v) => okVariant(run, v.name));
