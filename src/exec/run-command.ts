import { execa } from 'execa';

/** What a finished command did; a non-zero exit is data, not an exception. */
export interface CommandResult {
  command: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** Set when the command could not be started at all (not on PATH, say). */
  failedToStart: boolean;
}

export interface RunCommandOptions {
  /** @default 600_000 (10 min) */
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
}

/** @default 10 minutes: long enough for mmdebstrap on a slow mirror. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 600_000;

/**
 * The one way imgbench runs host tools (mmdebstrap, dpkg-deb, tc, dockerd):
 * bounded by a timeout, killed with its process group on exit, never throwing
 * on a non-zero exit.
 */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const started = performance.now();
  const result = await execa(file, args, {
    reject: false,
    timeout: options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    cleanup: true,
    stdin: 'ignore',
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return {
    command: [file, ...args].join(' '),
    exitCode: result.exitCode,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    durationMs: performance.now() - started,
    timedOut: result.timedOut,
    failedToStart: result.exitCode === undefined && !result.timedOut,
  };
}

/** Last `lines` lines of a text, for error messages that quote a tool. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Full path of an executable on `path` (default: PATH), or undefined. */
export async function which(name: string, path?: string): Promise<string | undefined> {
  // The name goes to a shell as an argument, never as code.
  const result = await runCommand('sh', ['-c', 'command -v "$1"', 'which', name], {
    timeoutMs: 5_000,
    ...(path === undefined ? {} : { env: { PATH: path } }),
  });
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}
