import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/measure/statistics.js';
import { CSV_COLUMNS, toCsv } from '../../src/report/csv.js';
import { toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toTable } from '../../src/report/table.js';
import { sampleRun } from './sample-run.js';

describe('exporters', () => {
  it('CSV has the fixed columns and parses back to the same numbers as the run', () => {
    const run = sampleRun();
    const rows = parse(toCsv(run), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual([...CSV_COLUMNS]);
    expect(rows.map((r) => [r.variant, r.state, r.image_size_bytes, r.binary_linkage])).toEqual([
      ['golang', 'ok', '612000000', 'dynamic'],
      ['scratch', 'ok', '5100000', 'static'],
      ['broken', 'failed', '', ''],
    ]);
    expect(rows[2]?.error).toMatch(/exit code: 1/);
  });

  it('JSON round-trips the run exactly', () => {
    const run = sampleRun();
    expect(JSON.parse(toJson(run))).toEqual(run);
  });

  it('Markdown has a table row per variant, ratios against golang, and the compiler message of a failure', () => {
    const md = toMarkdown(sampleRun());
    expect(md).toMatch(/^\| Variant \| State \| Image size/m);
    expect(md).toContain('| scratch | ok | 5.10 MB | 5100000 | 120× | 3 | 5.00 MB | static |');
    expect(md).toContain('syntax error: non-declaration statement');
    expect(md).toContain('offline stand-ins built from Debian packages, not the upstream images');
    expect(md).toContain('imgbench/standin-golang:1.24 for golang:1.24');
  });

  it('the terminal table aligns columns and never shows a stand-in under its upstream name alone', () => {
    const table = toTable(sampleRun());
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^Variant\s+State\s+Image size/);
    expect(lines.find((l) => l.startsWith('golang'))).toMatch(/612 MB\s+612000000\s+1\.0×/);
    expect(table).toMatch(/Bases: offline stand-ins/);
  });
});

describe('exporters with startup and memory figures', () => {
  const withRuntime = () => {
    const run = sampleRun();
    const scratch = run.variants[1];
    if (scratch?.state !== 'ok') throw new Error('fixture');
    scratch.startup = {
      engine: 'isolated',
      probeIntervalMs: 5,
      startToReadyMs: summarize([210, 220, 215, 230, 212]),
      createToReadyMs: summarize([218, 229, 223, 239, 220]),
    };
    scratch.memory = {
      engine: 'isolated',
      cgroupVersion: 1,
      load: { path: '/api/items', requests: 2000, concurrency: 16, settleMs: 1000 },
      loadFailures: 0,
      idleRssBytes: summarize([1_000_000, 1_100_000]),
      idleCacheBytes: summarize([0, 0]),
      loadRssBytes: summarize([5_800_000, 6_000_000]),
      loadCacheBytes: summarize([0, 0]),
      peakBytes: summarize([6_700_000, 6_800_000]),
    };
    return run;
  };

  it('CSV has one row per scenario with the statistics in their unit columns', () => {
    const rows = parse(toCsv(withRuntime()), { columns: true }) as Record<string, string>[];
    const scratch = rows
      .filter((r) => r.variant === 'scratch')
      .map((r) => `${r.metric}/${r.scenario}`);
    expect(scratch).toEqual([
      'size/image',
      'startup/start-to-ready',
      'startup/create-to-ready',
      'memory/idle',
      'memory/after-load',
    ]);
    const start = rows.find((r) => r.variant === 'scratch' && r.scenario === 'start-to-ready');
    expect(Number(start?.p50_ms)).toBe(215);
    expect(Number(start?.samples)).toBe(5);
    const idle = rows.find((r) => r.variant === 'scratch' && r.scenario === 'idle');
    expect(Number(idle?.rss_p50_bytes)).toBe(1_050_000);
  });

  it('Markdown and the terminal show the runtime table and say how it was measured', () => {
    const run = withRuntime();
    const md = toMarkdown(run);
    expect(md).toMatch(/^\| scratch \| 215\.0 ms \| /m);
    expect(md).toContain('polled from the host every ≤ 5 ms');
    expect(md).toContain('Iglewicz & Hoaglin');
    expect(toTable(run)).toMatch(/^scratch\s+215\.0 ms/m);
  });
});
