/**
 * Keeps secrets out of everything imgbench writes (results, reports, the
 * terminal): a failing build's log, an engine address or an error message
 * can carry a token that the user's environment or a URL holds.
 */

/** Environment variables whose values are treated as secrets. */
export const SECRET_NAME =
  /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|AUTH)/i;
/** Shorter values are too likely to occur by chance (`true`, `1234`) to be masked. */
const MIN_SECRET_LENGTH = 6;

export interface Secret {
  name: string;
  value: string;
}

/** The values of secret-named variables in `env`, longest first (so a value inside another is masked whole). */
export function secretsIn(env: NodeJS.ProcessEnv = process.env): Secret[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && (value?.length ?? 0) >= MIN_SECRET_LENGTH)
    .map(([name, value]) => ({ name, value: value as string }))
    .sort((a, b) => b.value.length - a.value.length);
}

/** `scheme://user:password@host` → `scheme://user:***@host`; each secret value → `***(NAME)`. */
export function redact(text: string, secrets: readonly Secret[] = secretsIn()): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):[^\s/@]+@/gi, '$1:***@');
  for (const { name, value } of secrets) out = out.split(value).join(`***(${name})`);
  return out;
}

/** A copy of `value` with every string in it redacted. */
export function redactDeep<T>(value: T, secrets: readonly Secret[] = secretsIn()): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactDeep(v, secrets)]),
    ) as T;
  }
  return value;
}
