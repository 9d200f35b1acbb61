import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_FORMATS, reportCommand } from '../../src/cli/commands/report.js';
import { createOutput } from '../../src/cli/output.js';
import {
  ALL_VARIANTS_RUN,
  HISTORY_FIXTURE_IDS,
  HISTORY_FIXTURES_DIR,
  MERGED_ENGINES_RUN,
  OLDER_ALL_VARIANTS_RUN,
  STAND_INS_ALL_VARIANTS_RUN,
} from '../fixtures.js';

const EXTENSIONS: Record<(typeof REPORT_FORMATS)[number], string> = {
  table: 'txt',
  markdown: 'md',
  csv: 'csv',
  json: 'json',
  html: 'html',
  'github-benchmark': 'github-benchmark.json',
  bencher: 'bencher.json',
};

/** What `imgbench report RUN --format FORMAT` prints on stdout, byte for byte. */
async function reportOutput(run: string, format: string): Promise<string> {
  let stdout = '';
  const output = createOutput(
    { write: () => true, isTTY: false, columns: 80 },
    {
      write: (text: string) => {
        stdout += text;
        return true;
      },
    },
    { CI: '1' },
  );
  expect(await reportCommand(run, { format }, output)).toBe(0);
  return stdout;
}

const RUNS = [
  ...HISTORY_FIXTURE_IDS.map((id) => ({ id, file: join(HISTORY_FIXTURES_DIR, `${id}.json`) })),
  { id: 'all-variants-20261123-043729-3528', file: OLDER_ALL_VARIANTS_RUN },
  { id: 'all-variants-20261201-153022-f0fd', file: ALL_VARIANTS_RUN },
  { id: 'all-variants-20261207-024921-101c', file: STAND_INS_ALL_VARIANTS_RUN },
];

// The net under every change to what a user reads: each kept run, each format,
// compared with the frozen output. A change that is meant is regenerated with
// `npm run test:golden -- -u` and reviewed in the diff.
describe.each(RUNS)('imgbench report of run $id', ({ id, file }) => {
  it.each(REPORT_FORMATS)('--format %s is as frozen', async (format) => {
    await expect(await reportOutput(file, format)).toMatchFileSnapshot(
      join(import.meta.dirname, '..', 'golden', id, `report.${EXTENSIONS[format]}`),
    );
  });
});

// A merged run (`imgbench merge`): every format but CSV, which a merged run has none of.
describe('imgbench report of the merged run of three engines', () => {
  it.each(REPORT_FORMATS.filter((f) => f !== 'csv'))('--format %s is as frozen', async (format) => {
    await expect(await reportOutput(MERGED_ENGINES_RUN, format)).toMatchFileSnapshot(
      join(import.meta.dirname, '..', 'golden', 'merged-engines', `report.${EXTENSIONS[format]}`),
    );
  });
});
