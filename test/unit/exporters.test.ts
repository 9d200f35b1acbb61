import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
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
