import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { normalizeRunOptions, parseList } from '../../src/metrics/run-options.js';
import { sampleServiceDir } from '../../src/paths.js';
import { tempDir } from '../temp-dir.js';

describe('normalizeRunOptions', () => {
  it('fills every default', () => {
    const o = normalizeRunOptions();
    expect(o.metrics).toEqual(['size', 'gaps', 'flags', 'build', 'pull', 'startup', 'memory']);
    expect(o.variants).toBeUndefined();
    expect(o.serviceDir).toBe(sampleServiceDir());
    expect(o.mainPackage).toBe('.');
    expect(o.bases).toBe('auto');
    expect(o.outDir.endsWith('/results')).toBe(true);
    expect(o.pullDockerd).toBeUndefined();
    expect(o.pullImageStore).toBe('classic');
  });

  it.each([
    [{ metrics: ['size', 'speed'] }, /Unknown metric `speed`/],
    [{ bases: 'cloud' }, /`--bases` to be one of auto, upstream, offline, got `cloud`/],
    [{ serviceDir: '/nonexistent/dir' }, /`--service` `\/nonexistent\/dir` is not a directory/],
    [{ mainPackage: '../elsewhere' }, /`--main`.*got `..\/elsewhere`/],
    [{ mainPackage: './cmd/../../x' }, /`--main`/],
    [{ pullImageStore: 'zfs' }, /`--pull-image-store` to be one of classic, containerd, got `zfs`/],
    [{ pullDockerd: '/etc/passwd' }, /`--pull-dockerd` \/etc\/passwd is not an executable file/],
    [{ pullDockerd: '/nonexistent/dockerd' }, /`--pull-dockerd` .* is not an executable file/],
  ])('rejects %j with one clear message', (input, message) => {
    expect(() => normalizeRunOptions(input)).toThrow(UsageError);
    expect(() => normalizeRunOptions(input)).toThrow(message);
  });

  it('rejects a folder that is not a Go module', () => {
    const dir = tempDir('notgo');
    writeFileSync(join(dir, 'main.py'), 'print(1)\n');
    expect(() => normalizeRunOptions({ serviceDir: dir })).toThrow(/has no go.mod/);
  });

  it('accepts a main package below the module root', () => {
    expect(normalizeRunOptions({ mainPackage: './cmd/server' }).mainPackage).toBe('./cmd/server');
  });

  it('splits lists and refuses empty ones', () => {
    expect(parseList('--variants', 'golang, scratch,')).toEqual(['golang', 'scratch']);
    expect(() => parseList('--variants', ' , ')).toThrow(/`--variants` to list at least one name/);
  });
});
