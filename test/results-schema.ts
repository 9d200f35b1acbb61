import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

/** The JSON Schema of results.json as published, read by a validator of its own (Ajv). */
const published = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'results', 'results.schema.json'), 'utf8'),
) as object;

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(published);

/** The schema's complaints about a results.json, one line each; none when it validates. */
export function schemaProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) =>
      `${e.instancePath || '(top level)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** The complaints about the results.json file at `path`. */
export const fileSchemaProblems = (path: string): string[] =>
  schemaProblems(JSON.parse(readFileSync(path, 'utf8')));
