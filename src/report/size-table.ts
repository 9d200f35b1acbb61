import { figuresOf, type RunResult, type VariantResult } from '../types.js';
import { formatMB, formatRatio } from './format.js';

export const SIZE_COLUMNS = [
  'Variant',
  'State',
  'Image size',
  'Bytes',
  '× smaller than golang',
  'Layers',
  'Binary',
  'Linkage',
] as const;

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

/** One row of text cells per variant, in SIZE_COLUMNS order, shared by the terminal and Markdown tables. */
export function sizeRows(run: RunResult): string[][] {
  const reference = referenceSize(run);
  return run.variants.map((v) => {
    const size = figuresOf(v).size;
    // A variant that failed after it was sized keeps its size: the failure is beside it.
    if (!size) return [v.name, v.state, '', '', '', '', '', failureSummary(v)];
    return [
      v.name,
      v.state === 'failed' ? `failed at ${v.failure.stage}` : v.state,
      formatMB(size.sizeBytes),
      String(size.sizeBytes),
      reference === undefined ? '–' : formatRatio(reference, size.sizeBytes),
      String(size.layerCount),
      formatMB(size.binary.sizeBytes),
      size.binary.linkage,
    ];
  });
}

/** One line saying which base images the numbers come from; stand-ins are named as such. */
export function basesLine(run: RunResult): string {
  const chosen = run.bases.images.filter((b) => b.chosen);
  const rest = run.bases.images.filter((b) => !b.chosen);
  const given = chosen.length
    ? `; given with --base-image: ${chosen.map((b) => `${b.role} ${b.image}`).join(', ')}`
    : '';
  if (run.bases.profile === 'upstream') {
    return `Bases: upstream (${rest.map((b) => b.image).join(', ')})${given}`;
  }
  const list = rest.map((b) => `${b.image} for ${b.upstream}`).join('; ');
  return `Bases: offline stand-ins built from Debian packages, not the upstream images (${list})${given}`;
}
