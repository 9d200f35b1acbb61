/**
 * The seed articles' claims, judged against a run: the claims files' loader
 * (load.ts) and schema (schema.ts), the verdict rules (judge.ts), and the
 * check kinds (kinds/ for figures read by name; each metric's own in its
 * folder, `claims/`), built on the kit every kind shares (kit/).
 */

export type { BaseRead } from '../metrics/claim-kit/base-reads.js';
export { basesRead, judgeClaims } from './judge.js';
export { claimsDir, loadClaims } from './load.js';
export type { ArticleClaims, Claim, ClaimCheck, ClaimVerdict, Verdict } from './schema.js';
