import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/config.js';
import { UsageError } from '../../src/errors.js';
import { tempDir } from '../temp-dir.js';

describe('config', () => {
  it('accepts budgets on known figures, any link, and every variant', () => {
    const config = {
      budgets: [
        { name: 'a', variant: '*', figure: 'image size', max: 1e9 },
        { name: 'b', variant: 'scratch', figure: 'pull 100mbit', maxRegressionPct: 10 },
      ],
    };
    expect(validateConfig(config, 'c.json')).toEqual(config);
  });

  it.each([
    [[], '`(top level)` must be an object such as {"budgets": [...]}, got []'],
    [{ budget: [] }, '`budget` is not a known field; known: budgets'],
    [{ budgets: {} }, '`budgets` must be a list, got {}'],
    [{ budgets: [3] }, '`budgets[0]` must be an object, got 3'],
    [
      { budgets: [{ name: 'a', variant: '*', figure: 'image size' }] },
      '`budgets[0]` sets no limit; give it `max` or `maxRegressionPct`',
    ],
    [
      {
        budgets: [
          { name: 'a', variant: '*', figure: 'image size', max: 1 },
          { name: 'b', variant: '*', figure: 'image size', max: '20MB' },
        ],
      },
      '`budgets[1].max` must be a number of at least 0, got "20MB"',
    ],
    [
      { budgets: [{ name: 'a', variant: '*', figure: 'speed', max: 1 }] },
      '`budgets[0].figure` is "speed"; expected one of: image size, binary size',
    ],
    [
      { budgets: [{ name: '', variant: '*', figure: 'image size', max: 1 }] },
      '`budgets[0].name` must be a non-empty string, got ""',
    ],
    [
      { budgets: [{ name: 'a', variant: '*', figure: 'image size', max: 1, maxRegresion: 3 }] },
      '`budgets[0].maxRegresion` is not a known field',
    ],
  ])('%j: names the field', (value, problem) => {
    expect(() => validateConfig(value, 'imgbench.config.json')).toThrow(UsageError);
    expect(() => validateConfig(value, 'imgbench.config.json')).toThrow(
      `Invalid config \`imgbench.config.json\`: ${problem}`,
    );
  });

  it('loads a file given, refuses one that is not JSON, and has no budgets without a file', async () => {
    const dir = tempDir('config');
    const file = join(dir, 'budgets.json');
    writeFileSync(file, '{"budgets": [');
    await expect(loadConfig(file)).rejects.toThrow(/^Invalid config `\S+budgets.json`: not JSON/);
    await expect(loadConfig(join(dir, 'none.json'))).rejects.toThrow(/^No config at/);
    writeFileSync(file, '{"budgets": []}');
    expect(await loadConfig(file)).toEqual({ config: { budgets: [] }, file });
  });
});
