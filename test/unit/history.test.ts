import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadHistory, toTrendTable } from '../../src/report/history.js';
import { HISTORY_FIXTURES_DIR } from '../fixtures.js';

const dir = HISTORY_FIXTURES_DIR;

describe('history', () => {
  it('reads the kept nights oldest first and shows each figure across them', async () => {
    const runs = await loadHistory(dir);
    expect(runs.map((r) => r.runId)).toEqual([
      '20261123-010558-fc62',
      '20261123-012239-447f',
      '20261123-014740-6261',
      '20261123-042311-3467',
      '20261123-063547-1c4e',
      '20261123-070205-562c',
      '20261123-071512-3a62',
      '20261123-084331-87d0',
      '20261123-092013-7f74',
    ]);
    const table = toTrendTable(runs, ['image size', 'startup start→ready']);
    expect(table).toMatch(
      /^image size \(median\)\nVariant +2026-11-23 01:05 fc62 +2026-11-23 01:22 447f +2026-11-23 01:47 6261 +2026-11-23 04:23 3467 +2026-11-23 06:35 1c4e +2026-11-23 07:02 562c +2026-11-23 07:15 3a62 +2026-11-23 08:43 87d0 +2026-11-23 09:20 7f74\n/,
    );
    expect(table).toMatch(/^golang +688 MB( +688 MB){8}$/m);
    expect(table).toMatch(
      /^scratch +\d{3}\.\d ms +189\.1 ms +211\.0 ms +229\.1 ms +188\.9 ms +228\.1 ms +218\.3 ms +230\.6 ms +229\.8 ms$/m,
    );
  });

  it('says where the engine and the size basis changed between runs', async () => {
    const runs = await loadHistory(dir);
    const last = structuredClone(runs.at(-1) as (typeof runs)[number]);
    last.runId = '20261201-030000-beef';
    last.startedAt = '2026-12-01T03:00:00.000Z';
    last.engine = { ...last.engine, serverVersion: '26.1.5+dfsg1', imageStore: 'containerd' };
    for (const v of last.variants) if (v.state === 'ok') v.size.basis = 'layer-tars';
    const table = toTrendTable([...runs, last], ['image size']);
    expect(table).toContain(
      'Engine changed from 2026-12-01 03:00 beef on: dockerd 20.10.24+dfsg1, classic image store → dockerd 26.1.5+dfsg1, containerd image store;',
    );
    expect(table).toContain(
      "Size basis changed from 2026-12-01 03:00 beef on: engine → layer-tars (image size is the layer tars' sum from there).",
    );
    // Between the kept nights, all on one engine, neither is said.
    expect(toTrendTable(runs, ['image size'])).not.toMatch(/changed from/);
  });

  it('refuses an unknown figure and a folder without runs, in one line each', async () => {
    const runs = await loadHistory(dir);
    expect(() => toTrendTable(runs, ['speed'])).toThrow(UsageError);
    await expect(loadHistory(join(dir, 'none'))).rejects.toThrow(/^No history at/);
  });
});
