import { readFileSync } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { tail } from './run-command.js';

/** How long `stop` waits after SIGTERM before SIGKILL. @default 20 s (dockerd unmounts its layers) */
export const STOP_GRACE_MS = 20_000;

/**
 * A long-running host process imgbench starts and owns (the run's registry,
 * the isolated dockerd), with its output in a log file. `stop` ends it and
 * waits for it to be gone.
 */
export class BackgroundProcess {
  readonly pid: number;
  readonly command: string;
  readonly logFile: string;
  readonly #child: ResultPromise;
  #exited = false;
  #exitCode: number | undefined;
  #signal: string | undefined;

  private constructor(child: ResultPromise, command: string, logFile: string) {
    this.#child = child;
    this.pid = child.pid ?? 0;
    this.command = command;
    this.logFile = logFile;
    // Settles when the process ends, for any reason; never throws (reject: false).
    void child.then((result) => {
      this.#exited = true;
      this.#exitCode = result.exitCode;
      this.#signal = result.signal;
    });
  }

  static start(
    file: string,
    args: readonly string[],
    logFile: string,
    /** Added to the process's environment (e.g. a PATH with its own folder first). */
    env: Record<string, string> = {},
  ): BackgroundProcess {
    const child = execa(file, args, {
      env,
      reject: false,
      stdin: 'ignore',
      stdout: { file: logFile, append: true },
      stderr: { file: logFile, append: true },
      // Killed with imgbench if imgbench exits first (execa's cleanup).
      cleanup: true,
    });
    return new BackgroundProcess(child, [file, ...args].join(' '), logFile);
  }

  get exited(): boolean {
    return this.#exited;
  }

  get exitCode(): number | undefined {
    return this.#exitCode;
  }

  /** `exited with code 1` or `was killed by SIGKILL`; undefined while it runs. */
  get exitDescription(): string | undefined {
    if (!this.#exited) return undefined;
    return this.#signal ? `was killed by ${this.#signal}` : `exited with code ${this.#exitCode}`;
  }

  /** The last lines the process wrote, for error messages. */
  logTail(lines = 15): string {
    try {
      return tail(readFileSync(this.logFile, 'utf8'), lines);
    } catch {
      return '';
    }
  }

  /**
   * Calls `probe` every `intervalMs` until it gives a value: the process is
   * ready. Rejects with `exited()` when the process ends first, and with
   * `timedOut(lastError)` after `timeoutMs`.
   */
  async waitUntilReady<T>(
    probe: () => Promise<T | undefined>,
    options: {
      timeoutMs: number;
      intervalMs: number;
      exited: () => Error;
      timedOut: (lastError: unknown) => Error;
    },
  ): Promise<T> {
    const deadline = performance.now() + options.timeoutMs;
    let lastError: unknown;
    while (performance.now() < deadline) {
      if (this.#exited) throw options.exited();
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (error) {
        lastError = error;
      }
      await new Promise((r) => setTimeout(r, options.intervalMs));
    }
    throw options.timedOut(lastError);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (this.#exited) return;
    this.#child.kill('SIGTERM');
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    try {
      await this.#child;
    } finally {
      clearTimeout(killer);
    }
  }
}
