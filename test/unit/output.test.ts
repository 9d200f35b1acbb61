import { describe, expect, it } from 'vitest';
import { createOutput, paint } from '../../src/cli/output.js';
import { toTable, wrapWords } from '../../src/report/table.js';
import { readRun } from '../../src/results/read-run.js';
import { STAND_INS_ALL_VARIANTS_RUN } from '../fixtures.js';

function streams(isTTY: boolean, columns = 40) {
  const err: string[] = [];
  const out: string[] = [];
  return {
    err,
    out,
    stream: { isTTY, columns, write: (s: string) => err.push(s) > 0 },
    outStream: { write: (s: string) => out.push(s) > 0 },
  };
}

describe('terminal output', () => {
  it('on a TTY, sample lines replace each other and a lasting line clears the last one', () => {
    const s = streams(true);
    const output = createOutput(s.stream, s.outStream, {});
    output.status('startup golang: sample 1/50 190.0 ms (12.0 s)');
    output.status('startup golang: sample 2/50 188.2 ms (12.3 s) and more text past forty columns');
    output.progress('[2/6] alpine: building (13.0 s)');
    expect(s.err).toEqual([
      '\r\u001b[2Kstartup golang: sample 1/50 190.0 ms (1',
      '\r\u001b[2Kstartup golang: sample 2/50 188.2 ms (1',
      '\r\u001b[2K',
      '[2/6] alpine: building (13.0 s)\n',
    ]);
    expect(output.color).toBe(true);
    expect(paint(output, 32, 'ok')).toBe('\u001b[32mok\u001b[0m');
    // A lasting line longer than the terminal breaks at spaces, not mid-word.
    output.progress('rounds: build 1 round; pull 7 rounds, up to 16 until decided');
    expect(s.err.at(-1)).toBe('rounds: build 1 round; pull 7 rounds,\n  up to 16 until decided\n');
  });

  it("prints a machine's own words only with --debug", () => {
    const raw =
      '(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host';
    const quiet = streams(false);
    createOutput(quiet.stream, quiet.outStream, {}).debug(raw);
    expect(quiet.err).toEqual([]);
    const loud = streams(false);
    createOutput(loud.stream, loud.outStream, {}, true).debug(raw);
    expect(loud.err).toEqual([`debug: ${raw}\n`]);
  });

  it('in CI or a pipe, every line is a plain line', () => {
    for (const [isTTY, env] of [
      [false, {}],
      [true, { CI: 'true' }],
    ] as const) {
      const s = streams(isTTY);
      const output = createOutput(s.stream, s.outStream, env);
      output.status('build golang: sample 1/2 15000.0 ms (20.0 s)');
      output.result('table');
      expect(s.err).toEqual(['build golang: sample 1/2 15000.0 ms (20.0 s)\n']);
      expect(s.out).toEqual(['table\n']);
      expect(output.isTTY).toBe(false);
      expect(paint(output, 32, 'ok')).toBe('ok');
    }
  });

  it('honours NO_COLOR on a TTY', () => {
    const s = streams(true);
    const output = createOutput(s.stream, s.outStream, { NO_COLOR: '' });
    expect(output.isTTY).toBe(true);
    expect(paint(output, 31, 'failed')).toBe('failed');
  });

  it("wraps prose at the terminal's width only when results go to a terminal", () => {
    const tty = { isTTY: true, columns: 80, write: () => true };
    expect(createOutput(tty, tty, {}).width).toBe(80);
    expect(createOutput(tty, { write: () => true }, {}).width).toBeUndefined();
    expect(createOutput(tty, tty, { CI: 'true' }).width).toBeUndefined();
  });

  it('breaks a line at spaces, never mid-word, with a hanging indent, and leaves table rows alone', async () => {
    const line =
      '  Against the smallest, scratch (6.57 MB): image size +3.29 MB (1.50×); startup start→ready equal within ±5 % (64 rounds)';
    const wrapped = wrapWords(line, 40).split('\n');
    expect(wrapped.every((l) => [...l].length <= 40)).toBe(true);
    expect(wrapped.join(' ').replace(/ +/g, ' ').trim()).toBe(line.replace(/ +/g, ' ').trim());
    // A unit stays with its number: `(6.57 MB):` goes to the next line whole.
    expect(wrapped[0]).toBe('  Against the smallest, scratch');
    expect(wrapped.some((l) => /^\s*(MB|%)/.test(l))).toBe(false);
    expect(wrapWords('decided at 95 % over 2 looks', 16).split('\n')[0]).toBe('decided at 95 %');
    expect(wrapped.slice(1).every((l) => l.startsWith('    ') && !l.startsWith('     '))).toBe(
      true,
    );
    expect(wrapWords('a-very-long-word-that-cannot-break', 10)).toBe(
      'a-very-long-word-that-cannot-break',
    );
    expect(wrapWords(line, undefined)).toBe(line);
    // The whole report at 80 columns: no prose line past it; table rows as they were.
    const run = await readRun(STAND_INS_ALL_VARIANTS_RUN);
    const wide = toTable(run).split('\n');
    const narrow = toTable(run, { width: 80, full: true }).split('\n');
    const rows = wide.filter((l) => /^(golang|scratch|distroless) /.test(l));
    for (const row of rows) expect(narrow).toContain(row);
    expect(
      narrow.filter((l) => [...l].length > 80 && !rows.includes(l) && !/ {2}/.test(l.trim())),
    ).toEqual([]);
  });

  it('in a terminal of 80 columns, one compact table that fits, and where the full ones are', async () => {
    const run = await readRun(STAND_INS_ALL_VARIANTS_RUN);
    const lines = toTable(run, { width: 80 }).split('\n');
    expect(lines.every((l) => [...l].length <= 80)).toBe(true);
    const head = lines.find((l) => l.startsWith('Variant'));
    expect(head?.split(/ {2,}/)).toEqual([
      'Variant',
      'Image',
      'Compressed',
      'Pull',
      'Start',
      'Memory',
    ]);
    expect(lines.find((l) => l.startsWith('scratch-certs '))).toMatch(
      /^scratch-certs\s+7\.81 MB\s+\S+ MB\s+[\d.]+ ms\s+[\d.]+ ms\s+[\d.]+ MB$/,
    );
    expect(lines).toContain(
      'Every table: `imgbench report RUN --full`, and report.html in the run folder.',
    );
    // At 120 columns the gaps column fits too.
    const wide = toTable(run, { width: 120 }).split('\n');
    expect(wide.find((l) => l.startsWith('Variant'))).toMatch(/Lacks$/);
    expect(wide.find((l) => l.startsWith('scratch '))).toMatch(/CA tz root sh$/);
  });
});
