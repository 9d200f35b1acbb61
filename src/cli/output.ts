import { redact } from '../report/redact.js';

/** Where progress goes: live lines on a TTY, plain lines in CI or a pipe; NO_COLOR honoured. */
export interface Output {
  readonly isTTY: boolean;
  readonly color: boolean;
  progress(line: string): void;
  result(text: string): void;
}

export function createOutput(stream = process.stderr, out = process.stdout): Output {
  const isTTY = Boolean(stream.isTTY) && !process.env.CI;
  const color = isTTY && !('NO_COLOR' in process.env);
  return {
    isTTY,
    color,
    progress: (line) => stream.write(`${redact(line)}\n`),
    result: (text) => out.write(redact(text.endsWith('\n') ? text : `${text}\n`)),
  };
}

export function paint(output: Output, code: number, text: string): string {
  return output.color ? `\u001b[${code}m${text}\u001b[0m` : text;
}
