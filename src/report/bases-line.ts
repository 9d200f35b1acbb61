import { registryTrouble } from '../engine/engine-words.js';
import type { RunResult } from '../metrics/run-result.js';

/**
 * The reason with a registry's raw error (as runs before the words kept it:
 * `(HTTP code 500) server error - Get …: no such host`) said in words.
 */
const inWords = (reason: string) =>
  reason.replace(/\(HTTP code \d+\)[\s\S]*?\s*(?=\); using local stand-ins)/, (raw) =>
    registryTrouble(raw),
  );

/** One line saying which base images the numbers come from, and why those; stand-ins are named as such. */
export function basesLine(run: RunResult): string {
  const chosen = run.bases.images.filter((b) => b.chosen);
  const rest = run.bases.images.filter((b) => !b.chosen);
  const given = chosen.length
    ? `; given with --base-image: ${chosen.map((b) => `${b.role} ${b.image}`).join(', ')}`
    : '';
  const why = run.bases.reason ? `; why: ${inWords(run.bases.reason)}` : '';
  if (run.bases.profile === 'upstream') {
    return `Bases: upstream (${rest.map((b) => b.image).join(', ')})${given}${why}`;
  }
  const list = rest.map((b) => `${b.image} for ${b.upstream}`).join('; ');
  return `Bases: offline stand-ins built from Debian packages, not the upstream images (${list})${given}${why}`;
}

/** `Skipped: pull, startup, memory: …`, for a run that left metrics of the default set out; else none. */
export function skippedLine(run: RunResult): string | undefined {
  const skipped = run.skipped ?? [];
  if (skipped.length === 0) return undefined;
  const reasons = [...new Set(skipped.map((s) => s.reason))];
  return `Skipped: ${skipped.map((s) => s.metric).join(', ')} (${reasons.join('; ')})`;
}
