// What `npm outdated --json` says, read for one question: which dependency is
// a major behind its latest release, and is it a pinned exception that
// docs/decisions.md names with its reason?

/** One entry of `npm outdated --json`. */
export interface OutdatedEntry {
  /** Installed version; absent when the package is not installed. */
  current?: string;
  /** The newest version package.json's range allows. */
  wanted: string;
  /** The registry's latest that runs on this Node.js. */
  latest: string;
}

/** A dependency docs/decisions.md holds below its latest major, with the major it holds. */
export interface PinnedException {
  name: string;
  /** The major it is held at: `22` for @types/node 22.x. */
  heldAt: string;
  why: string;
}

export interface MajorBehind {
  name: string;
  current: string;
  latest: string;
  /** The exception that allows it, when docs/decisions.md names one for this major. */
  pinned?: PinnedException;
}

/**
 * The major of a version, as a caret range reads it: `22` for 22.20.7, and
 * `0.6` for 0.6.0, since below 1.0 a minor is a breaking change.
 */
export function majorOf(version: string): string {
  const [major = '', minor = ''] = version.replace(/^[^\d]*/, '').split('.');
  return major === '0' ? `0.${minor}` : major;
}

/**
 * The rows of docs/decisions.md's "Dependencies held a major behind" table:
 * `| \`name\` | 22 | why |`. Any other table or line is left alone.
 */
export function pinnedExceptions(decisionsMarkdown: string): PinnedException[] {
  const section = decisionsMarkdown
    .split(/^## /m)
    .find((s) => s.startsWith('Dependencies held a major behind'));
  if (!section) return [];
  const pinned: PinnedException[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name && cells[2]) pinned.push({ name, heldAt: cells[2], why: cells[3] ?? '' });
  }
  return pinned;
}

/** Every dependency whose installed (else wanted) major is below its latest's. */
export function majorsBehind(
  outdated: Record<string, OutdatedEntry>,
  pinned: readonly PinnedException[],
): MajorBehind[] {
  return Object.entries(outdated)
    .map(([name, entry]) => ({
      name,
      current: entry.current ?? entry.wanted,
      latest: entry.latest,
    }))
    .filter(({ current, latest }) => majorOf(current) !== majorOf(latest))
    .map((behind) => {
      const exception = pinned.find(
        (p) => p.name === behind.name && p.heldAt === majorOf(behind.current),
      );
      return exception ? { ...behind, pinned: exception } : behind;
    });
}

/** Exceptions docs/decisions.md still names that hold nothing back any more. */
export function stalePins(
  pinned: readonly PinnedException[],
  behind: readonly MajorBehind[],
): PinnedException[] {
  return pinned.filter((p) => !behind.some((b) => b.pinned === p));
}
