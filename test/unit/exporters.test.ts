import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/measure/statistics.js';
import { csvColumns, toCsv } from '../../src/report/csv.js';
import { toJson } from '../../src/report/json.js';
import { toMarkdown } from '../../src/report/markdown.js';
import { toTable } from '../../src/report/table.js';
import { historyRun } from '../fixtures.js';
import { sampleRun } from './sample-run.js';

describe('exporters', () => {
  it('CSV has the fixed columns and parses back to the same numbers as the run', () => {
    const run = sampleRun();
    const rows = parse(toCsv(run), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual(csvColumns());
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
    expect(md).not.toContain('](report.html)');
    // Written beside the run's other files, it links to them.
    const beside = toMarkdown(sampleRun(), {
      files: { html: 'report.html', json: 'results.json', csv: 'results.csv' },
    });
    expect(beside.split('\n')[2]).toBe(
      'The charts: [report.html](report.html); every figure: [results.json](results.json), [results.csv](results.csv).',
    );
    expect(md).toContain(
      '| scratch | ok | 5.10 MB | 5100000 | 120× | 3 | 5.10 MB | 5.00 MB | static |',
    );
    expect(md).toContain('syntax error: non-declaration statement');
    expect(md).toContain('offline stand-ins built from Debian packages, not the upstream images');
    expect(md).toContain('imgbench/standin-golang:1.24 for golang:1.24');
  });

  it('the terminal table aligns columns and never shows a stand-in under its upstream name alone', () => {
    const table = toTable(sampleRun());
    const lines = table.split('\n');
    // Which to ship first (this run has no gaps figures, so it says what to add), the answer, then the tables.
    expect(lines[0]).toMatch(/^Which to ship: not said — the gaps metric, .* did not run/);
    expect(lines[2]).toBe('Smallest image: scratch, 5.10 MB (120× smaller than golang 612 MB).');
    expect(lines.findIndex((l) => /^Variant\s+State\s+Image size/.test(l))).toBeGreaterThan(1);
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

describe('CSV of a real all-metric run', () => {
  it('parses back to the same numbers as its JSON, row by row', async () => {
    const run = await historyRun('20261123-012239-447f');
    const rows = parse(toCsv(run), { columns: true }) as Record<string, string>[];
    const row = (variant: string, metric: string, scenario: string) => {
      const found = rows.find(
        (r) => r.variant === variant && r.metric === metric && r.scenario === scenario,
      );
      if (!found) throw new Error(`no row ${variant} ${metric} ${scenario}`);
      return found;
    };
    const same = (cell: string | undefined, value: number | undefined) =>
      expect(Number(cell)).toBe(value);
    let checked = 0;
    for (const v of run.variants) {
      if (v.state !== 'ok') throw new Error(`${v.name} is ${v.state}`);
      same(row(v.name, 'size', 'image').image_size_bytes, v.size.sizeBytes);
      same(row(v.name, 'size', 'image').binary_size_bytes, v.size.binary.sizeBytes);
      checked += 2;
      for (const scenario of ['cold', 'no-op', 'warm'] as const) {
        const s = v.builds?.[scenario].durationMs;
        const r = row(v.name, 'build', scenario);
        for (const [column, value] of [
          ['p50_ms', s?.p50],
          ['mean_ms', s?.mean],
          ['p95_ms', s?.p95],
          ['sd_ms', s?.sd],
          ['rme_pct', s?.rme],
          ['samples', s?.n],
        ] as const) {
          same(r[column], value);
          checked++;
        }
      }
      for (const link of v.pull?.links ?? []) {
        const r = row(v.name, 'pull', link.link);
        same(r.p50_ms, link.durationMs.p50);
        same(r.transfer_p50_ms, link.transferMs.p50);
        same(r.compressed_bytes, v.pull?.compressedBytes);
        checked += 3;
      }
      same(row(v.name, 'startup', 'start-to-ready').p50_ms, v.startup?.startToReadyMs.p50);
      same(row(v.name, 'startup', 'create-to-ready').p95_ms, v.startup?.createToReadyMs.p95);
      same(row(v.name, 'memory', 'idle').rss_p50_bytes, v.memory?.idleRssBytes.p50);
      same(row(v.name, 'memory', 'after-load').rss_p50_bytes, v.memory?.loadRssBytes.p50);
      same(row(v.name, 'memory', 'after-load').peak_p50_bytes, v.memory?.peakBytes?.p50);
      checked += 7;
    }
    // Six variants × (2 sizes + 3 scenarios × 6 statistics + 3 pull + 7 startup/memory).
    expect(checked).toBe(6 * (2 + 18 + 3 + 7));
  });
});
