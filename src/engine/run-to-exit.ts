import { errorMessage, ImgbenchError } from '../errors.js';
import { tail } from '../exec/run-command.js';
import type { ContainerSpec, Engine } from './engine.js';
import { startRefusal } from './engine-words.js';
import { managedLabels } from './labels.js';

/** Memory and pid limits of every container imgbench runs. */
export const CONTAINER_LIMITS = { memoryBytes: 1024 ** 3, pidsLimit: 512 } as const;

/** How a container that was run to its end ended. */
export interface Exited {
  exitCode: number;
  /** The last lines of its stdout and stderr. */
  output: string;
}

/**
 * Runs a container until its process exits (a command, not a service), and
 * removes it; rejects when it is still running after `timeoutMs`.
 */
export async function runToExit(
  engine: Engine,
  spec: Omit<ContainerSpec, 'memoryBytes' | 'pidsLimit'>,
  timeoutMs: number,
): Promise<Exited> {
  const id = await engine.createContainer({
    ...spec,
    labels: managedLabels('service-container', spec.labels),
    memoryBytes: CONTAINER_LIMITS.memoryBytes,
    pidsLimit: CONTAINER_LIMITS.pidsLimit,
  });
  try {
    await engine.startContainer(id).catch((error: unknown) => {
      // A runtime that cannot start any container (too old, seccomp, cgroup): one line, what to check.
      const refusal = startRefusal(errorMessage(error));
      throw refusal ? new ImgbenchError('E_MEASURE', refusal, { cause: error }) : error;
    });
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const state = await engine.inspectContainer(id);
      if (!state.running) {
        return { exitCode: state.exitCode, output: tail(await engine.containerLogs(id, 40), 40) };
      }
      if (performance.now() > deadline) {
        throw new ImgbenchError(
          'E_MEASURE',
          `\`${spec.cmd?.join(' ') ?? spec.image}\` still ran after ${timeoutMs} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await engine.removeContainer(id);
  }
}
