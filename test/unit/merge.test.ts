import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand } from '../../src/cli/commands/compare.js';
import { historyCommand } from '../../src/cli/commands/history.js';
import { mergeCommand } from '../../src/cli/commands/merge.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { createOutput } from '../../src/cli/output.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { machineAnswers, machineFigures, mergeRuns } from '../../src/report/merge.js';
import { readRun, readRunOrMerged } from '../../src/results/read-run.js';
import { DEFAULT_RUN } from '../fixtures.js';

const base = await readRun(DEFAULT_RUN);

/**
 * The run as another machine would have made it: `scale` multiplies each
 * variant's startup samples (a machine that is slower for every variant, or
 * for one), sizes shifted by `bytes`; the recorded ratios are dropped so that
 * they are worked out again from the samples.
 */
function onAnotherMachine(
  run: RunResult,
  change: { runId: string; scale?: (variant: string) => number; bytes?: Record<string, number> },
): RunResult {
  const copy = structuredClone(run) as RunResult & { relative?: unknown };
  copy.runId = change.runId;
  delete copy.relative;
  for (const v of copy.variants) {
    if (v.state !== 'ok') continue;
    const k = change.scale?.(v.name) ?? 1;
    const startup = v.startup?.startToReadyMs;
    if (startup?.samples) {
      startup.samples = startup.samples.map((s) => s * k);
      startup.p50 *= k;
    }
    if (change.bytes?.[v.name] && v.size) v.size.sizeBytes += change.bytes[v.name] as number;
  }
  return copy;
}

function capture() {
  let stdout = '';
  let stderr = '';
  const output = createOutput(
    {
      write: (text: string) => {
        stderr += text;
        return true;
      },
      isTTY: false,
      columns: 80,
    },
    {
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    { CI: '1' },
  );
  return { output, stdout: () => stdout, stderr: () => stderr };
}

describe('mergeRuns', () => {
  it('takes two runs or more, of one service, each named once', () => {
    expect(() => mergeRuns([{ run: base }])).toThrow(/two runs or more/);
    const other = structuredClone(base);
    other.service.mainPackage = './cmd/other';
    expect(() => mergeRuns([{ run: base }, { run: other }])).toThrow(
      /different services.*`\.\/cmd\/other`/,
    );
    expect(() =>
      mergeRuns([
        { name: 'a', run: base },
        { name: 'a', run: base },
      ]),
    ).toThrow(/both named `a`/);
  });

  it('names a machine by its engines and platform, and two alike by their run ids', () => {
    const second = onAnotherMachine(base, { runId: 'run-b' });
    const merged = mergeRuns([{ run: base }, { run: second }]);
    expect(merged.machines.map((m) => m.name)).toEqual([
      `dockerd 20.10.24+dfsg1 classic, linux/x64 (run ${base.runId})`,
      'dockerd 20.10.24+dfsg1 classic, linux/x64 (run run-b)',
    ]);
  });
});

describe('machineFigures: across machines, ratios to the reference, never absolute times', () => {
  it('a machine 50 % slower for every variant changes no variant', () => {
    const slower = onAnotherMachine(base, { runId: 'slow', scale: () => 1.5 });
    const rows = machineFigures(
      mergeRuns([
        { name: 'fast', run: base },
        { name: 'slow', run: slower },
      ]),
      'startup start→ready',
    ).filter((r) => r.machine === 'slow');
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      // Every absolute time is 1.5× the first machine's, and not one is called a change.
      if (r.isReference) expect(r.across).toEqual({ kind: 'reference' });
      else {
        expect(r.across).toMatchObject({ kind: 'relative', ratio: 1 });
        expect(r.across.kind === 'relative' && r.across.decision).not.toBe('changed');
      }
    }
  });

  it('one variant 40 % slower on a machine is decided as differing there, alone', () => {
    const one = onAnotherMachine(base, {
      runId: 'one',
      scale: (v) => (v === 'scratch' ? 1.4 : 1),
    });
    const rows = machineFigures(
      mergeRuns([
        { name: 'a', run: base },
        { name: 'b', run: one },
      ]),
      'startup start→ready',
    ).filter((r) => r.machine === 'b' && r.across.kind === 'relative');
    const changed = rows.filter(
      (r) => r.across.kind === 'relative' && r.across.decision === 'changed',
    );
    expect(changed.map((r) => r.variant)).toEqual(['scratch']);
    const scratch = changed[0]?.across as { ratio: number; ratioCi: [number, number] };
    expect(scratch.ratio).toBeCloseTo(1.4, 5);
    expect(scratch.ratioCi[0]).toBeGreaterThan(1);
  });

  it('bytes are set against bytes', () => {
    const bigger = onAnotherMachine(base, { runId: 'big', bytes: { scratch: 512 } });
    const rows = machineFigures(
      mergeRuns([
        { name: 'a', run: base },
        { name: 'b', run: bigger },
      ]),
      'image size',
    ).filter((r) => r.machine === 'b');
    expect(rows.find((r) => r.variant === 'scratch')?.across).toEqual({
      kind: 'exact',
      deltaBytes: 512,
    });
    expect(rows.find((r) => r.variant === 'golang')?.across).toEqual({
      kind: 'exact',
      deltaBytes: 0,
    });
  });
});

describe('machineAnswers', () => {
  it('says where machines answer a question differently, and where alike', () => {
    const one = onAnotherMachine(base, { runId: 'one', scale: (v) => (v === 'scratch' ? 1.4 : 1) });
    const answers = machineAnswers(
      mergeRuns([
        { name: 'a', run: base },
        { name: 'b', run: one },
      ]),
    );
    const size = answers.find((a) => a.question === 'Smallest image');
    expect(size).toMatchObject({ answers: ['scratch', 'scratch'], agreement: 'same' });
    const start = answers.find((a) => a.question.startsWith('Fastest start'));
    expect(start?.agreement).toBe('differs');
    expect(start?.answers[0]).toMatch(/equal within ±5 %/);
    expect(start?.answers[1]).not.toMatch(/scratch/);
    // Open on both (the run stopped at 20 memory rounds): not called a difference between machines.
    const memory = answers.find((a) => a.question === 'Least memory after the load');
    expect(memory?.agreement).toBe('open');
    expect(memory?.answers[0]).toMatch(/^undecided at 20 rounds \(\w[\w-]* leads\)$/);
  });
});

describe('imgbench merge, and the commands that read what it wrote', () => {
  it('writes merged.json, summary.md and report.html; report, compare and history read it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'imgbench-merge-'));
    const slower = onAnotherMachine(base, { runId: 'slow', scale: () => 1.5 });
    await writeFile(join(dir, 'slow.json'), JSON.stringify(slower));
    const out = join(dir, 'merged');
    const merge = capture();
    expect(
      await mergeCommand(
        [`fast=${DEFAULT_RUN}`, `slow=${join(dir, 'slow.json')}`],
        { out },
        merge.output,
      ),
    ).toBe(0);
    expect(merge.stdout()).toMatch(/^imgbench merged run: .* on 2 machines/);
    expect(merge.stdout()).toContain(
      "No variant's startup start→ready differs from fast's relative to its reference.",
    );
    const read = await readRunOrMerged(out);
    expect(read.kind).toBe('merged');
    expect(await readFile(join(out, 'summary.md'), 'utf8')).toContain(
      '### The answers on each machine',
    );
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<h2>Machines</h2>');

    // One run where a merged one is not taken: said in one line.
    await expect(readRun(out)).rejects.toThrow(/is a merged run/);
    const report = capture();
    await expect(reportCommand(out, { format: 'csv' }, report.output)).rejects.toThrow(
      /no CSV of its own/,
    );
    expect(await reportCommand(out, { format: 'github-benchmark' }, report.output)).toBe(0);
    const names = (JSON.parse(report.stdout()) as Array<{ name: string }>).map((e) => e.name);
    expect(names).toContain('slow: scratch / startup start→ready');
    expect(names).toContain('fast: scratch / startup start→ready');

    // Tonight's merged run against itself: machine by machine, by name.
    const compare = capture();
    expect(await compareCommand([out, out], { json: true }, compare.output)).toBe(0);
    const machines = (JSON.parse(compare.stdout()) as Array<{ machine: string }>).map(
      (c) => c.machine,
    );
    expect(machines).toEqual(['fast', 'slow']);
    await expect(compareCommand([out, DEFAULT_RUN], {}, capture().output)).rejects.toThrow(
      /is a merged run and the other is one run/,
    );

    // A history folder with a merged run in it: each machine's trend on its own.
    const history = join(dir, 'history');
    await mergeCommand(
      [`fast=${DEFAULT_RUN}`, `slow=${join(dir, 'slow.json')}`],
      { out: history },
      capture().output,
    );
    const trend = capture();
    expect(await historyCommand(history, {}, trend.output)).toBe(0);
    expect(trend.stdout()).toMatch(/^On fast\n/);
    expect(trend.stdout()).toContain('\nOn slow\n');
  });
});
