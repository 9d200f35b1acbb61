import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRun } from '../../src/results/read-run.js';
import { makeRunId, RunStore } from '../../src/run/run-store.js';
import { tempDir } from '../temp-dir.js';
import { sampleRun } from './sample-run.js';

describe('RunStore', () => {
  it('writes the three files, leaves no temporary file, and points latest at the run', async () => {
    const out = tempDir('out');
    const run = sampleRun();
    const store = await RunStore.create(out, run.runId);
    await store.write({ ...run, complete: false });
    expect(readdirSync(store.dir).sort()).toEqual(['results.csv', 'results.json', 'summary.md']);
    await store.write(run, { final: true });
    await store.linkLatest();
    expect(readdirSync(store.dir).sort()).toEqual([
      'report.html',
      'results.csv',
      'results.json',
      'summary.md',
    ]);
    expect(readlinkSync(join(out, 'latest'))).toBe(run.runId);
    expect((await readRun(join(out, 'latest'))).complete).toBe(true);
  });

  it('refuses a folder that is not a run, naming it and the fix', async () => {
    const dir = tempDir('notrun');
    await expect(readRun(dir)).rejects.toThrow(
      `\`${dir}\` is not a run folder: it has no results.json; pass a folder that \`imgbench run\` wrote, such as results/latest, or its results.json`,
    );
    writeFileSync(join(dir, 'results.json'), '{"hello": 1');
    await expect(readRun(dir)).rejects.toThrow(/is not a readable imgbench results.json: not JSON/);
    writeFileSync(join(dir, 'results.json'), '{"hello": 1}');
    await expect(readRun(dir)).rejects.toThrow(/no schemaVersion or variants/);
    writeFileSync(join(dir, 'results.json'), '{"schemaVersion": 99, "variants": []}');
    await expect(readRun(dir)).rejects.toThrow(
      /has schemaVersion 99, newer than this imgbench reads/,
    );
    await expect(readRun(join(dir, 'missing'))).rejects.toThrow(
      /^No run at `\S+missing`: nothing is there/,
    );
    // Reading never changes what it read.
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe(
      '{"schemaVersion": 99, "variants": []}',
    );
    expect(existsSync(join(dir, 'results.json'))).toBe(true);
  });

  it('makes run ids that sort by start time', () => {
    const a = makeRunId(new Date('2026-11-22T09:05:00Z'));
    const b = makeRunId(new Date('2026-11-22T10:00:00Z'));
    expect(a).toMatch(/^20261122-090500-[0-9a-f]{4}$/);
    expect([b, a].sort()).toEqual([a, b]);
  });
});
