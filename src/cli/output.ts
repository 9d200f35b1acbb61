import { redact } from '../report/redact.js';
import { wrapWords } from '../report/table.js';

/** Where progress goes: live lines on a TTY, plain lines in CI or a pipe; NO_COLOR honoured. */
export interface Output {
  readonly isTTY: boolean;
  readonly color: boolean;
  /** The terminal's width when results go to one (stdout a TTY, not CI); prose is wrapped to it. */
  readonly width: number | undefined;
  /** A line that stays: a variant done, a stage begun. */
  progress(line: string): void;
  /**
   * A line that the next one replaces on a TTY (sample i/N of a metric), so a
   * long run shows where it is without scrolling; a plain line elsewhere.
   */
  status(line: string): void;
  result(text: string): void;
  /** A machine's own words behind a line said in words: shown only with `--debug`. */
  debug(line: string): void;
}

const CLEAR_LINE = '\r\u001b[2K';

export function createOutput(
  stream: Pick<NodeJS.WriteStream, 'write' | 'isTTY' | 'columns'> = process.stderr,
  out: Pick<NodeJS.WriteStream, 'write'> &
    Partial<Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>> = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
  /** `--debug`: the machine's own words too. */
  debugging = false,
): Output {
  const isTTY = Boolean(stream.isTTY) && !env.CI;
  const color = isTTY && !('NO_COLOR' in env);
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) stream.write(CLEAR_LINE);
    statusShown = false;
  };
  return {
    isTTY,
    color,
    width: out.isTTY && !env.CI ? (out.columns ?? 80) : undefined,
    progress: (line) => {
      clearStatus();
      // On a terminal, broken at spaces rather than mid-word by the terminal.
      const shown = isTTY ? wrapWords(redact(line), (stream.columns ?? 80) - 1) : redact(line);
      stream.write(`${shown}\n`);
    },
    status: (line) => {
      if (!isTTY) {
        stream.write(`${redact(line)}\n`);
        return;
      }
      // Cut to the terminal's width: a wrapped line could not be replaced.
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      const shown = [...redact(line)].slice(0, width).join('');
      stream.write(`${CLEAR_LINE}${shown}`);
      statusShown = true;
    },
    result: (text) => {
      clearStatus();
      out.write(redact(text.endsWith('\n') ? text : `${text}\n`));
    },
    debug: (line) => {
      if (!debugging) return;
      clearStatus();
      stream.write(`debug: ${redact(line)}\n`);
    },
  };
}

export function paint(output: Output, code: number, text: string): string {
  return output.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}
