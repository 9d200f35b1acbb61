import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';

/** In the run folder: what the run has in place on the host right now. */
export const HOST_CHANGES_FILE = 'host-changes.json';

/**
 * Keeps `host-changes.json` in `runDir` up to date; written synchronously
 * (then renamed), so that a SIGKILL right after a change still finds it recorded.
 */
export function recordHostChangesIn(runDir: string, runId: string): (pending: string[]) => void {
  const file = join(runDir, HOST_CHANGES_FILE);
  return (pending) => {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(
      temporary,
      `${JSON.stringify({ runId, imgbenchPid: process.pid, inPlace: pending }, null, 2)}\n`,
    );
    renameSync(temporary, file);
  };
}

/**
 * What a run has changed on the host (a process started, a bridge, a qdisc),
 * each with the step that undoes it, so that an interrupted run can put the
 * machine back as it found it.
 */
export class HostChanges {
  readonly #undo = new Map<number, { what: string; undo: () => Promise<void> }>();
  readonly #onChange: (pending: string[]) => void;
  #next = 0;

  /** `onChange` hears what is in place after every change and undo (to keep a record of it). */
  constructor(onChange: (pending: string[]) => void = () => {}) {
    this.#onChange = onChange;
  }

  /** Records a change; call the returned function once it has been undone the normal way. */
  add(what: string, undo: () => Promise<void>): () => void {
    const id = this.#next++;
    this.#undo.set(id, { what, undo });
    this.#onChange(this.pending);
    return () => {
      this.#undo.delete(id);
      this.#onChange(this.pending);
    };
  }

  /**
   * Records a change for as long as `work` runs, then undoes it the normal
   * way, however `work` ended, and forgets it. A signal in between finds it
   * in `pending` and undoes it with the rest.
   */
  async during<T>(what: string, undo: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const undone = this.add(what, undo);
    try {
      return await work();
    } finally {
      await undo();
      undone();
    }
  }

  /** What is still in place, oldest first. */
  get pending(): string[] {
    return [...this.#undo.values()].map((c) => c.what);
  }

  /**
   * Undoes every change still in place, newest first; one failing does not
   * stop the others. Returns the ones that failed, with their errors.
   */
  async undoAll(): Promise<Array<{ what: string; error: unknown }>> {
    const failures: Array<{ what: string; error: unknown }> = [];
    for (const [id, change] of [...this.#undo.entries()].reverse()) {
      this.#undo.delete(id);
      await change.undo().catch((error: unknown) => {
        failures.push({ what: change.what, error });
      });
      this.#onChange([...this.pending, ...failures.map((f) => f.what)]);
    }
    return failures;
  }
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Runs `work`; if SIGINT or SIGTERM arrives meanwhile, undoes `changes`, says
 * so on stderr and exits with 130 or 143 (results written so far stay).
 */
export async function withSignalUndo<T>(
  changes: HostChanges,
  work: () => Promise<T>,
  /** Runs first when a signal arrives: record the stop, and write nothing after it. */
  onSignal: (signal: 'SIGINT' | 'SIGTERM') => Promise<void> = async () => {},
): Promise<T> {
  let stopping = false;
  const handler = (signal: keyof typeof SIGNAL_EXIT_CODES) => {
    if (stopping) return;
    stopping = true;
    const undone = changes.pending;
    void onSignal(signal)
      .catch(() => {})
      .then(() => changes.undoAll())
      .then((failures) => {
        process.stderr.write(
          `imgbench: ${signal}: stopped; undid ${undone.length ? undone.join(', ') : 'nothing'}${
            failures.length
              ? `; could not undo: ${failures.map((f) => `${f.what}: ${errorMessage(f.error)}`).join('; ')}`
              : ''
          }. Results written so far stay in the run folder.\n`,
        );
        process.exit(SIGNAL_EXIT_CODES[signal]);
      });
  };
  const onInt = () => handler('SIGINT');
  const onTerm = () => handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // After a signal, whatever `work` does next (a pull cut off by the stop
  // fails, the run would be marked complete) must not reach the caller: it
  // waits here until the handler has undone the changes and exited.
  const afterSignal = () => new Promise<never>(() => {});
  try {
    const result = await work().catch(async (error: unknown) => {
      if (stopping) return afterSignal();
      throw error;
    });
    if (stopping) return afterSignal();
    return result;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
