import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatFigure } from '../../format/format.js';
import { variantsDir } from '../../paths.js';
import { VARIANT_SETS, type VariantSet } from '../../variants/variant-catalog.js';
import { figuresOf, type RunResult, type VariantResult } from '../run-result.js';
import { basesOf } from './base-reads.js';
import { Missing } from './check-kind.js';

/** The set of imgbench's own variants (beyond the ladder) that `name` belongs to, if any. */
function shippedSet(name: string): VariantSet | undefined {
  const inSet = (set: VariantSet) => {
    try {
      return readdirSync(join(variantsDir(), set)).includes(name);
    } catch {
      return false;
    }
  };
  return VARIANT_SETS.find(inSet);
}

/** A variant of the run, in whatever state it is. */
export function variantOf(run: RunResult, name: string): VariantResult {
  const v = run.variants.find((x) => x.name === name);
  if (!v) {
    const set = shippedSet(name);
    const hint = set ? ` (${set} run with --variants ${set})` : '';
    throw new Missing(`the run has no ${name} variant${hint}`);
  }
  return v;
}

/** A variant of the run that is ok. */
export function okVariant(run: RunResult, variant: string): VariantResult {
  const v = variantOf(run, variant);
  if (v.state !== 'ok')
    throw new Missing(
      `${variant} ${v.state === 'failed' ? `failed (${v.failure.stage})` : 'was not reached'}`,
    );
  return v;
}

/** A field a run written before it was recorded lacks. */
export const recorded = <T>(value: T | undefined, what: string, variant: string): T => {
  if (value === undefined)
    throw new Missing(`the run did not record ${what} for ${variant} (written before it was)`);
  return value;
};

/** `a, b` → the variants a check names. */
export const list = (text: string) => text.split(',').map((s) => s.trim());

export const bytes = (n: number) => formatFigure(n, 'bytes');
export const exactBytes = (n: number) => `${n.toLocaleString('en-US')} B`;

/** The binary of a variant: its size, linkage and loader. */
export function binaryOf(run: RunResult, variant: string) {
  const size = figuresOf(variantOf(run, variant)).size;
  if (!size) throw new Missing(`the run did not measure the size of ${variant}`);
  return size.binary;
}

/**
 * Whether the builder that compiled `v` has a C compiler (cgo is on by
 * default only where one is), read from the single-stage image of the run
 * that is that builder with the service on top; empty when none was measured.
 */
export function compilersNote(run: RunResult, v: VariantResult): string {
  const builder = basesOf(v, 'builder')[0]?.role;
  const compilers = run.variants
    .filter((w) => builder !== undefined && w.runtimeBase === builder)
    .map((w) => figuresOf(w).gaps?.image.compilers)
    .find(Boolean);
  if (!compilers) return '';
  const cc = compilers.find((c) => c.kind === 'cc');
  return cc
    ? `; its builder ${builder} has a C compiler (${cc.path})`
    : `; its builder ${builder} has no C compiler`;
}
