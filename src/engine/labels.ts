/**
 * Labels on everything imgbench creates in an engine, so that any run's
 * leftovers can be found and removed (testcontainers' `utils/labels.ts`).
 */
export const LABEL_PREFIX = 'org.imgbench';
export const LABEL_MANAGED = `${LABEL_PREFIX}.managed`;
export const LABEL_RUN_ID = `${LABEL_PREFIX}.run-id`;
export const LABEL_KIND = `${LABEL_PREFIX}.kind`;
export const LABEL_VARIANT = `${LABEL_PREFIX}.variant`;
export const LABEL_SERVICE = `${LABEL_PREFIX}.service`;
/** On base images: the upstream image a local stand-in plays the role of. */
export const LABEL_STANDS_IN_FOR = `${LABEL_PREFIX}.stands-in-for`;
/** On base images: sha256 of the recipe that made it; a rebuild is skipped when it matches. */
export const LABEL_RECIPE_HASH = `${LABEL_PREFIX}.recipe-hash`;
export const LABEL_BASE_ROLE = `${LABEL_PREFIX}.base-role`;

export type ResourceKind =
  | 'variant-image'
  | 'base-image'
  | 'inspect-container'
  | 'service-container'
  | 'build-metric-image';

export function managedLabels(
  kind: ResourceKind,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_KIND]: kind, ...extra };
}
