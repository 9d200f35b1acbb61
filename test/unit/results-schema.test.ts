import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { figuresOf, type VariantResult } from '../../src/metrics/run-result.js';
import { RESULTS_SCHEMA_FILE, resultsJsonSchema } from '../../src/results/json-schema.js';
import { readRun } from '../../src/results/read-run.js';
import {
  ALL_VARIANTS_RUN,
  HISTORY_FIXTURE_IDS,
  HISTORY_FIXTURES_DIR,
  OLDER_ALL_VARIANTS_RUN,
} from '../fixtures.js';
import { fileSchemaProblems, schemaProblems } from '../results-schema.js';
import { tempDir } from '../temp-dir.js';

const root = join(import.meta.dirname, '..', '..');
const kept = [
  ...HISTORY_FIXTURE_IDS.map((id) => join(HISTORY_FIXTURES_DIR, `${id}.json`)),
  ALL_VARIANTS_RUN,
  OLDER_ALL_VARIANTS_RUN,
  ...readdirSync(join(root, 'results', 'all-variants')).map((f) =>
    join(root, 'results', 'all-variants', f),
  ),
  ...readdirSync(join(root, 'results', 'history')).map((f) => join(root, 'results', 'history', f)),
];

describe('the published JSON Schema of results.json', () => {
  it('is the one the code generates (npm run docs writes it)', () => {
    expect(readFileSync(join(root, RESULTS_SCHEMA_FILE), 'utf8')).toBe(resultsJsonSchema());
  });

  it.each(kept.map((file) => [file.slice(root.length + 1), file]))(
    'validates the kept run %s',
    (_, file) => {
      expect(fileSchemaProblems(file)).toEqual([]);
    },
  );

  it('refuses a field of the wrong type, a field it does not know, and a missing figure', () => {
    const run = JSON.parse(readFileSync(ALL_VARIANTS_RUN, 'utf8'));
    const wrongType = structuredClone(run);
    wrongType.variants[0].size.sizeBytes = '1 GB';
    expect(schemaProblems(wrongType).join('\n')).toMatch(/\/variants\/0\/size\/sizeBytes/);
    const unknown = structuredClone(run);
    unknown.variants[0].size.colour = 'blue';
    expect(schemaProblems(unknown).join('\n')).toMatch(/additionalProperty.*colour/);
    const missing = structuredClone(run);
    delete missing.variants[0].size;
    expect(schemaProblems(missing)).not.toEqual([]);
  });
});

describe('readRun', () => {
  it('names the field a results.json gets wrong, in one line', async () => {
    const run = JSON.parse(readFileSync(ALL_VARIANTS_RUN, 'utf8'));
    run.variants[2].pull.links[0].durationMs.p50 = 'fast';
    const file = join(tempDir('read'), 'results.json');
    writeFileSync(file, JSON.stringify(run));
    await expect(readRun(file)).rejects.toThrow(UsageError);
    await expect(readRun(file)).rejects.toThrow(
      `\`${file}\` is not a results.json this imgbench can read: \`variants[2].pull.links[0].durationMs.p50\``,
    );
  });

  it('keeps a field a newer imgbench of the same schema version added', async () => {
    const run = JSON.parse(readFileSync(ALL_VARIANTS_RUN, 'utf8'));
    run.variants[0].size.compressedEstimate = 12;
    const file = join(tempDir('read'), 'results.json');
    writeFileSync(file, JSON.stringify(run));
    const read = await readRun(file);
    const size = figuresOf(read.variants[0] as VariantResult).size as unknown;
    expect((size as Record<string, unknown>).compressedEstimate).toBe(12);
  });
});
