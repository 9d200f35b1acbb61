import { goReleaseOf } from '../bases/base-roles.js';
import { recipeHash, standInRecipes } from '../bases/stand-in-recipes.js';
import { formatMB } from '../format/format.js';
import { basesOf } from './claim-kit/base-reads.js';
import type { FigureBasis, VariantRow } from './metric.js';
import { figuresOf, type RunResult, type VariantResult } from './run-result.js';

/** The mark of a figure or cell that a stand-in base's own bytes or files decide. */
export const STAND_IN_MARK = '†';

/**
 * The stand-in base that decides a figure of the variant, if one does: the
 * base the figure turns on (its definition's `turnsOn`), when that is a stand-in.
 */
export const standInDeciding = (v: VariantResult, turnsOn: FigureBasis | undefined) =>
  turnsOn === 'runtime base' || turnsOn === 'builder'
    ? basesOf(v, turnsOn).find((b) => b.standIn)
    : undefined;

/** The stand-in the variant's final stage starts from, if it does. */
export const standInRuntimeBase = (v: VariantResult) => standInDeciding(v, 'runtime base');

/** `text` marked † when the row's image starts from a stand-in. */
export const markIfStandIn = (row: VariantRow, text: string): string =>
  text !== '' && standInRuntimeBase(row.variant) ? `${text} ${STAND_IN_MARK}` : text;

/**
 * The bytes of a variant's image that are its base's: the bottom layers,
 * matched by diff_id. Undefined when the run did not record the base's
 * layers, or the image does not start with them.
 */
export function baseBytesIn(v: VariantResult, layers: readonly string[] | undefined) {
  const own = figuresOf(v).size?.layers ?? [];
  if (!layers?.length || !layers.every((id, i) => own[i]?.digest === id)) return undefined;
  return own.slice(0, layers.length).reduce((sum, l) => sum + l.tarBytes, 0);
}

/**
 * The footnote of the † cells of a table whose rows `included` picks: for
 * each stand-in base those rows start from, what it lacks or adds against
 * the upstream image, and its own bytes in the images when the run knows
 * them. `what` says what of the stand-in decides the cells.
 */
export function standInFootnote(
  run: RunResult,
  included: (v: VariantResult) => boolean,
  what: 'files' | 'bytes',
): string | undefined {
  const recipes = standInRecipes(goReleaseOf(run.settings?.go));
  const seen = new Map<string, string>();
  for (const v of run.variants.filter(included)) {
    const b = standInRuntimeBase(v);
    if (!b || seen.has(b.role)) continue;
    const recipe = recipes[b.role];
    // A run made on an older recipe had another stand-in: its words would not be about it.
    const words = b.recipeHash === recipeHash(recipe) ? recipe.differs : 'an older recipe of it';
    const bytes = baseBytesIn(v, b.layers);
    seen.set(
      b.role,
      `${b.upstream} is the stand-in \`${b.image}\`${bytes === undefined ? '' : ` of ${formatMB(bytes)}`} (${words})`,
    );
  }
  if (seen.size === 0) return undefined;
  const decided =
    what === 'files'
      ? "decided by the files of a stand-in base, which the upstream image's would change"
      : "includes the bytes of a stand-in base, which the upstream image's would change (its published size: docs/bases.md)";
  return `${STAND_IN_MARK} ${decided}: ${[...seen.values()].join('; ')}.`;
}
