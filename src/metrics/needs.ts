import { z } from 'zod';
import { UsageError } from '../errors.js';
import { capabilitiesOf } from './gaps/capabilities-of.js';
import type { GapsResult } from './gaps/schema.js';

/**
 * What a service may need of its image, each read from the gaps metric: TLS
 * to the outside (a CA bundle the service finds), time zones, a user other
 * than root, a shell to debug with.
 */
export const NEEDS = ['tls', 'tz', 'nonroot', 'shell'] as const;
export type Need = (typeof NEEDS)[number];

/** What a service on the open internet usually needs: a recommendation's default. */
export const DEFAULT_NEEDS: readonly Need[] = ['tls', 'tz', 'nonroot'];

export const needsSchema = z.array(z.enum(NEEDS)).readonly();

/** A need in words, as the recommendation says it. */
export const NEED_WORDS: Record<Need, { need: string; has: string; lacks: string }> = {
  tls: { need: 'TLS to the outside', has: 'a CA bundle', lacks: 'no CA bundle' },
  tz: { need: 'time zones', has: 'time zone data', lacks: 'no time zone data' },
  nonroot: { need: 'non-root', has: 'a non-root user', lacks: 'runs as root' },
  shell: { need: 'a shell', has: 'a shell', lacks: 'no shell' },
};

/** `--needs tls,tz` → the needs; `none` → none; a need this version does not know: one line. */
export function parseNeeds(text: string): Need[] {
  const given = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (given.length === 1 && given[0] === 'none') return [];
  for (const need of given) {
    if (!(NEEDS as readonly string[]).includes(need)) {
      throw new UsageError(
        `Unknown need \`${need}\` in \`--needs\`; the needs are ${NEEDS.join(', ')} (or none)`,
      );
    }
  }
  return [...new Set(given as Need[])];
}

/** Whether an image meets a need, from what the gaps metric found in it (and asked of the running service). */
export function meets(gaps: GapsResult, need: Need): boolean {
  const has = capabilitiesOf(gaps);
  switch (need) {
    case 'tls':
      return has.ca;
    case 'tz':
      return has.tz;
    case 'nonroot':
      // An unknown user (USER not in /etc/passwd) is not counted as meeting it.
      return has.uid !== null && has.uid !== 0;
    case 'shell':
      return has.shell;
  }
}
