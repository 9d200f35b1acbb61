import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { variantsDir } from '../../src/paths.js';
import {
  DEFAULT_VARIANTS,
  loadVariants,
  parseVariant,
  selectVariants,
} from '../../src/variants/variant-catalog.js';

describe('variant catalogue', () => {
  it('loads the six variants in ladder order, each with a description and its base roles', async () => {
    const variants = await loadVariants(variantsDir());
    expect(variants.map((v) => v.name)).toEqual([...DEFAULT_VARIANTS]);
    for (const v of variants) expect(v.description.length).toBeGreaterThan(20);
    const roles = Object.fromEntries(variants.map((v) => [v.name, v.baseRoles]));
    expect(roles).toEqual({
      golang: ['golang'],
      alpine: ['golang-alpine'],
      'multi-stage': ['golang-alpine', 'alpine'],
      stripped: ['golang-alpine', 'alpine'],
      scratch: ['golang-alpine'],
      distroless: ['golang-alpine', 'distroless-static'],
    });
  });

  it('keeps the seeds’ ordering of module download before the source copy in multi-stage variants', async () => {
    for (const v of await loadVariants(variantsDir())) {
      if (!v.dockerfile.includes(' AS builder')) continue;
      const download = v.dockerfile.indexOf('RUN go mod download');
      const copyAll = v.dockerfile.indexOf('COPY . .');
      expect(download, v.name).toBeGreaterThan(0);
      expect(download, v.name).toBeLessThan(copyAll);
    }
  });

  it('reads a description that continues on the next comment line', () => {
    const v = parseVariant(
      'x',
      '/x/Dockerfile',
      '# description: first part\n# second part\n# source: s\nFROM scratch\n',
    );
    expect(v.description).toBe('first part second part');
    expect(v.source).toBe('s');
  });

  it('names the unknown variant and lists the known ones', async () => {
    const all = await loadVariants(variantsDir());
    expect(() => selectVariants(all, ['scratch', 'tiny'])).toThrow(UsageError);
    expect(() => selectVariants(all, ['tiny'])).toThrow(
      /Unknown variant `tiny`.*known: golang, alpine/,
    );
    expect(selectVariants(all, ['scratch', 'golang']).map((v) => v.name)).toEqual([
      'scratch',
      'golang',
    ]);
  });
});
