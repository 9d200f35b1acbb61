import { z } from 'zod';
import type { Engine } from '../../engine/engine.js';
import { type RuntimeOptions, startUntilReady } from '../../measure/container-runtime.js';

/**
 * What the service itself finds inside its container, through its `/probe/*`
 * routes; each answer is kept with the fields declared here and no others.
 */
export const runtimeProbesSchema = z.object({
  /** `x509.SystemCertPool()`: whether it loaded, and how many certificates. */
  ca: z.object({
    ok: z.boolean(),
    certificates: z.number().int().optional(),
    error: z.string().optional(),
  }),
  /** `time.LoadLocation("Europe/Berlin")` without the embedded tzdata. */
  tz: z.object({
    ok: z.boolean(),
    zone: z.string(),
    /** The zone's abbreviation and offset on 1 July 2026, when it loaded. */
    abbreviation: z.string().optional(),
    offsetSeconds: z.number().int().optional(),
    error: z.string().optional(),
  }),
  user: z.object({
    uid: z.number().int(),
    gid: z.number().int(),
    euid: z.number().int().optional(),
    root: z.boolean(),
  }),
  /** A file written, read back and removed under os.TempDir(). */
  tmp: z.object({
    ok: z.boolean(),
    dir: z.string(),
    file: z.string().optional(),
    error: z.string().optional(),
  }),
});
export type RuntimeProbes = z.infer<typeof runtimeProbesSchema>;

/** The routes the sample service answers; a service of the user's own may not. */
export const PROBE_PATHS = {
  ca: '/probe/ca',
  tz: '/probe/tz?name=Europe/Berlin',
  user: '/probe/user',
  tmp: '/probe/tmp',
} as const;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/**
 * Starts the service, asks its probe routes what it finds in its container,
 * and removes it. Resolves with `undefined` when the service has no such
 * routes (a 404): then only the image's files speak.
 */
export async function probeRuntime(
  engine: Engine,
  image: string,
  options: RuntimeOptions,
): Promise<RuntimeProbes | undefined> {
  const started = await startUntilReady(engine, image, options);
  try {
    const { base } = started;
    const answers: Record<string, unknown> = {};
    for (const [name, path] of Object.entries(PROBE_PATHS)) {
      const { status, body } = await getJson(`${base}${path}`);
      // A service without these routes answers 404, or, with a catch-all
      // route, something else than the probes' JSON: either way it has none.
      const answer = runtimeProbesSchema.shape[name as keyof RuntimeProbes].safeParse(body);
      if (status === 404 || !answer.success) return undefined;
      answers[name] = answer.data;
    }
    return answers as RuntimeProbes;
  } finally {
    await engine.removeContainer(started.id);
  }
}
