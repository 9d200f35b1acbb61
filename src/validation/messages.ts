import { z } from 'zod';

/**
 * Schemas whose every problem reads as one line naming the field's path:
 * `budgets[1].max` must be a number of at least 0, got "20MB".
 */

/** A value as a message quotes it. */
export const describe = (value: unknown): string =>
  value === undefined
    ? 'nothing'
    : typeof value === 'string'
      ? `"${value}"`
      : JSON.stringify(value);

/** The schema's problems read `must be <what>, got <the value>`. */
export const must = (what: string) => ({
  error: (issue: { input?: unknown }) => `must be ${what}, got ${describe(issue.input)}`,
});

/** An object with these fields and no others; an unknown field is named with the known ones. */
export function closed<Shape extends z.ZodRawShape>(shape: Shape, what = 'an object') {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `is not a known field; known: ${Object.keys(shape).join(', ')}`
        : `must be ${what}, got ${describe(issue.input)}`,
  });
}

/** `budgets[1].max`; `(top level)` for the value itself. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((key, i) =>
      typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`,
    )
    .join('');
}

/** The first problem zod found, as `` `path` problem ``. */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'is not valid';
  const path =
    issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
  return `\`${fieldPath(path)}\` ${issue.message}`;
}
