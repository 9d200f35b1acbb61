import { decodeBuildkitStatus } from './buildkit-status.js';

/** One step of a build as BuildKit reported it (a Dockerfile instruction or an internal step). */
export interface BuildStep {
  digest: string;
  name: string;
  /** True when BuildKit reused the step from its cache. */
  cached: boolean;
  durationMs?: number;
  error?: string;
}

/** What a build stream said, whether the build succeeded or not. */
export interface BuildTranscript {
  steps: BuildStep[];
  /** The image id (`sha256:…`) from the final `moby.image.id` message, if any. */
  imageId?: string;
  /** The engine's own error text (`errorDetail.message` or a step's error). */
  error?: string;
  /** Output of the step that failed (the compiler's messages for a Go error), else of the whole build. */
  failedStepLog?: string;
}

/** A compiler diagnostic: `./main.go:3:28: undefined: x` (Go), `main.c:3:1: error: …` (C). */
const DIAGNOSTIC = /^\S+:\d+(:\d+)?: .+/;

/**
 * The line a user needs first from a failed step: the first compiler
 * diagnostic in its output, else the output's last line, else the engine's
 * error.
 */
export function failureHeadline(stepLog: string | undefined, engineError: string): string {
  const lines = (stepLog ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => DIAGNOSTIC.test(l)) ?? lines.at(-1) ?? engineError;
}

/** A message of dockerd's JSON build stream (classic builder or BuildKit). */
export interface BuildStreamMessage {
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
  id?: string;
  aux?: unknown;
}

/**
 * Folds the JSON messages of a `/build` stream into a transcript. dockerode
 * resolves the build request even when the build fails, so this is where a
 * failure is found: `errorDetail` from the daemon, or a BuildKit vertex with
 * an error.
 */
export class BuildTranscriptReader {
  readonly #steps = new Map<string, BuildStep & { startedMs?: number; completedMs?: number }>();
  readonly #logs = new Map<string, string[]>();
  readonly #classicLog: string[] = [];
  #imageId: string | undefined;
  #error: string | undefined;

  push(message: BuildStreamMessage): void {
    if (message.errorDetail?.message || message.error) {
      this.#error ??= message.errorDetail?.message ?? message.error;
    }
    if (typeof message.stream === 'string') this.#classicLog.push(message.stream);
    if (message.id === 'moby.image.id') {
      const aux = message.aux as { ID?: string } | undefined;
      if (aux?.ID) this.#imageId = aux.ID;
      return;
    }
    if (message.id === 'moby.buildkit.trace' && typeof message.aux === 'string') {
      const status = decodeBuildkitStatus(message.aux);
      for (const v of status.vertexes) {
        const step = this.#steps.get(v.digest) ?? { digest: v.digest, name: v.name, cached: false };
        step.name = v.name || step.name;
        step.cached = step.cached || v.cached;
        if (v.startedMs !== undefined) step.startedMs = v.startedMs;
        if (v.completedMs !== undefined) step.completedMs = v.completedMs;
        if (v.error) step.error = v.error;
        this.#steps.set(v.digest, step);
      }
      for (const log of status.logs) {
        const lines = this.#logs.get(log.vertex) ?? [];
        lines.push(log.msg.toString('utf8'));
        this.#logs.set(log.vertex, lines);
      }
    }
  }

  /** Feeds a chunk of newline-delimited JSON; returns the unparsed remainder. */
  pushText(text: string): string {
    const lines = text.split('\n');
    const rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        this.push(JSON.parse(line) as BuildStreamMessage);
      } catch {
        this.#classicLog.push(`${line}\n`);
      }
    }
    return rest;
  }

  transcript(): BuildTranscript {
    const steps: BuildStep[] = [...this.#steps.values()].map(
      ({ startedMs, completedMs, ...step }) =>
        startedMs !== undefined && completedMs !== undefined
          ? { ...step, durationMs: Math.max(0, completedMs - startedMs) }
          : step,
    );
    const failed = steps.find((s) => s.error);
    const transcript: BuildTranscript = { steps };
    if (this.#imageId) transcript.imageId = this.#imageId;
    const error = failed?.error ?? this.#error;
    if (error) {
      transcript.error = error;
      const log = failed ? (this.#logs.get(failed.digest) ?? []) : this.#classicLog;
      const text = log.join('');
      if (text.trim()) transcript.failedStepLog = text;
    }
    return transcript;
  }
}
