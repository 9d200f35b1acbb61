import { describe, expect, it } from 'vitest';
import { createOutput, paint } from '../../src/cli/output.js';

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
});
