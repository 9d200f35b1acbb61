// `npm run deps:check`: exits 1 when a dependency is a major behind its latest
// release and docs/decisions.md does not name it as a pinned exception, with
// the reason. Asks the registry (`npm outdated`), so the nightly runs it and
// the offline tests do not. Run it on the project's Node: npm reports as
// `latest` the newest release that runs on the Node it runs on.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  majorOf,
  majorsBehind,
  type OutdatedEntry,
  pinnedExceptions,
  stalePins,
} from './deps-check/majors-behind.js';

const root = resolve(import.meta.dirname, '..');
const decisions = 'docs/decisions.md';

// npm outdated exits 1 when anything is outdated at all; its JSON says what.
const npm = spawnSync('npm', ['outdated', '--json'], {
  cwd: root,
  encoding: 'utf8',
});
let outdated: Record<string, OutdatedEntry>;
try {
  outdated = JSON.parse(npm.stdout || '{}') as Record<string, OutdatedEntry>;
} catch {
  process.stderr.write(
    `deps:check: npm outdated gave no JSON (exit ${npm.status}): ${npm.stderr.trim()}\n`,
  );
  process.exit(2);
}
if ('error' in outdated) {
  process.stderr.write(`deps:check: npm outdated failed: ${JSON.stringify(outdated.error)}\n`);
  process.exit(2);
}

const pinned = pinnedExceptions(readFileSync(join(root, decisions), 'utf8'));
const behind = majorsBehind(outdated, pinned);
const say = (line: string) => process.stdout.write(`deps:check: ${line}\n`);
const newer = Object.keys(outdated).length;
say(
  `node ${process.version}; ${newer} ${newer === 1 ? 'dependency has' : 'dependencies have'} a newer release`,
);
for (const b of behind) {
  say(
    b.pinned
      ? `${b.name} ${b.current}: held at ${b.pinned.heldAt} (latest ${b.latest}), as ${decisions} says: ${b.pinned.why}`
      : `${b.name} ${b.current} is a major behind ${b.latest}: move to ${majorOf(b.latest)}, or name it in ${decisions} with the reason`,
  );
}
for (const p of stalePins(pinned, behind)) {
  say(
    `${decisions} still holds ${p.name} at ${p.heldAt}, and it is not behind any more: remove that row`,
  );
}
const unpinned = behind.filter((b) => !b.pinned);
say(
  unpinned.length === 0
    ? 'no dependency is a major behind without a reason'
    : `${unpinned.length} a major behind`,
);
process.exitCode = unpinned.length === 0 ? 0 : 1;
