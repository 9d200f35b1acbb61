import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/**
 * The rules of .dependency-cruiser.cjs (`npm run lint`) on a small tree made
 * to break some of them: what each one catches, and what it lets through.
 */
const tree: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true },
  }),
  // A folder loop made of type imports only: engine needs metrics' types, metrics engine's.
  'src/engine/engine.ts':
    "import type { Figures } from '../metrics/figures.js';\nexport type Engine = { last?: Figures };\n",
  'src/metrics/figures.ts':
    "import type { Engine } from '../engine/engine.js';\nexport type Figures = { on: Engine };\n",
  // A loop of types between two files of one folder: erased, allowed.
  'src/report/a.ts':
    "import type { B } from './b.js';\nexport type A = { b?: B };\nexport const a = 1;\n",
  'src/report/b.ts': "import type { A } from './a.js';\nexport type B = { a?: A };\n",
  // A loop of code between two files of one folder.
  'src/run/one.ts': "import { two } from './two.js';\nexport const one = () => two;\n",
  'src/run/two.ts': "import { one } from './one.js';\nexport const two = () => one;\n",
  // A file directly in src/ that imports a folder.
  'src/errors.ts': "import type { Engine } from './engine/engine.js';\nexport type E = Engine;\n",
  'src/index.ts': "export { a } from './report/a.js';\n",
};

describe('the dependency check (npm run lint)', () => {
  let dir: string;
  let output: string;
  let exitCode: number | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'imgbench-depcruise-'));
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    // On this test's own Node: the script's `#!/usr/bin/env node` may find an older one.
    const result = await execa(
      process.execPath,
      [
        join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs'),
        'src',
        '--config',
        join(root, '.dependency-cruiser.cjs'),
        '--output-type',
        'err-long',
      ],
      { cwd: dir, reject: false, all: true },
    );
    output = result.all;
    exitCode = result.exitCode;
  }, 30_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails', () => {
    expect(exitCode).not.toBe(0);
  });

  it('finds a loop between folders made of type-only imports', () => {
    expect(output).toMatch(/no-circular-between-folders: src\/(engine|metrics) →/);
  });

  it('finds a loop of code between files, and lets a loop of types alone', () => {
    expect(output).toMatch(/no-circular: src\/run\/(one|two)\.ts →/);
    expect(output).not.toMatch(/no-circular: src\/report\//);
  });

  it('finds a file directly in src/ that imports a folder, and lets index.ts do so', () => {
    expect(output).toMatch(/src-root-files-are-leaves: src\/errors\.ts → src\/engine\/engine\.ts/);
    expect(output).not.toMatch(/src-root-files-are-leaves: src\/index\.ts/);
  });
});
