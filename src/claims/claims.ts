/**
 * The seed articles' claims, judged against a run: the claims files' loader
 * (load.ts) and schema (schema.ts), the verdict rules (judge.ts), and the
 * check kinds (kinds/ for figures read by name; each metric's own in its
 * folder, `claims/`), built on the kit every kind shares (kit/).
 */

export { basesRead, judgeClaims } from './judge.js';
export type { BaseRead } from './kit/base-reads.js';
export { claimsDir, loadClaims } from './load.js';
export type { ArticleClaims, Claim, ClaimCheck, ClaimVerdict, Verdict } from './schema.js';
