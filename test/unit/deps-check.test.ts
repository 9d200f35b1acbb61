import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  majorOf,
  majorsBehind,
  pinnedExceptions,
  stalePins,
} from '../../scripts/deps-check/majors-behind.js';

const root = join(import.meta.dirname, '..', '..');
const decisions = readFileSync(join(root, 'docs', 'decisions.md'), 'utf8');

describe('npm run deps:check', () => {
  it('reads a major as a caret range does: 0.x minors are majors', () => {
    expect(majorOf('22.20.7')).toBe('22');
    expect(majorOf('7.0.2')).toBe('7');
    expect(majorOf('0.6.0')).toBe('0.6');
    expect(majorOf('v24.1.0')).toBe('24');
  });

  it('finds each dependency a major behind, and no minor or patch', () => {
    const behind = majorsBehind(
      {
        vitest: { current: '3.2.7', wanted: '3.2.7', latest: '5.1.2' },
        marked: { current: '18.2.1', wanted: '18.3.0', latest: '18.3.0' },
        '@action-validator/core': { current: '0.6.0', wanted: '0.6.0', latest: '0.7.0' },
        // Not installed: the major package.json asks for counts.
        execa: { wanted: '9.6.1', latest: '10.2.1' },
      },
      [],
    );
    expect(behind.map((b) => b.name)).toEqual(['vitest', '@action-validator/core', 'execa']);
    expect(behind.every((b) => b.pinned === undefined)).toBe(true);
  });

  it('lets a pinned exception of docs/decisions.md pass, for the major it names only', () => {
    const pinned = pinnedExceptions(decisions);
    expect(pinned).toContainEqual(expect.objectContaining({ name: '@types/node', heldAt: '22' }));
    const held = majorsBehind(
      { '@types/node': { current: '22.20.7', wanted: '22.20.7', latest: '26.6.11' } },
      pinned,
    );
    expect(held[0]?.pinned?.why).toMatch(/oldest Node line/);
    const older = majorsBehind(
      { '@types/node': { current: '20.19.43', wanted: '20.19.43', latest: '26.6.11' } },
      pinned,
    );
    expect(older[0]?.pinned).toBeUndefined();
  });

  it('reads only the rows of its own section', () => {
    const text = [
      '## Other',
      '| `vitest` | 3 | not this table |',
      '## Dependencies held a major behind',
      '| package | held at | why |',
      '| --- | --- | --- |',
      '| `tinybench` | 5 | a reason |',
      '## Later',
      '| `execa` | 9 | nor this one |',
    ].join('\n');
    expect(pinnedExceptions(text)).toEqual([{ name: 'tinybench', heldAt: '5', why: 'a reason' }]);
  });

  it('names a pinned row that holds nothing back any more', () => {
    const pinned = [{ name: 'tinybench', heldAt: '5', why: 'a reason' }];
    expect(stalePins(pinned, majorsBehind({}, pinned))).toEqual(pinned);
    const behind = majorsBehind(
      { tinybench: { current: '5.1.0', wanted: '5.1.0', latest: '6.2.5' } },
      pinned,
    );
    expect(stalePins(pinned, behind)).toEqual([]);
  });
});

describe('the Dependabot config', () => {
  const config = parse(readFileSync(join(root, '.github', 'dependabot.yml'), 'utf8')) as {
    version: number;
    updates: Array<{
      'package-ecosystem': string;
      directory: string;
      schedule: { interval: string };
      groups?: Record<string, unknown>;
      ignore?: Array<{ 'dependency-name': string }>;
    }>;
  };

  it('asks weekly, in groups, for npm and for the workflow actions', () => {
    expect(config.version).toBe(2);
    const ecosystems = config.updates.map((u) => `${u['package-ecosystem']} ${u.directory}`);
    expect(ecosystems.sort()).toEqual(['github-actions /', 'npm /']);
    for (const update of config.updates) {
      expect(update.schedule.interval).toBe('weekly');
      expect(Object.keys(update.groups ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('holds back exactly the majors docs/decisions.md pins', () => {
    const npm = config.updates.find((u) => u['package-ecosystem'] === 'npm');
    const ignored = (npm?.ignore ?? []).map((i) => i['dependency-name']).sort();
    expect(ignored).toEqual(
      pinnedExceptions(decisions)
        .map((p) => p.name)
        .sort(),
    );
  });
});
