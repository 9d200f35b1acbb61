import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  checkLocalReplaces,
  localReplaces,
  resolveServiceSource,
  serviceBuildArgs,
} from '../../src/service/service-context.js';
import { checkVariantsTakeContext, type Variant } from '../../src/variants/variant-catalog.js';
import { tempDir } from '../temp-dir.js';

/** A monorepo in a temp folder: `files` by path. */
function repo(files: Record<string, string>): string {
  const dir = tempDir('monorepo');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const API_MOD = [
  'module example.com/api',
  '',
  'go 1.22',
  '',
  'require example.com/shared v0.0.0',
  '',
  'replace example.com/shared => ../shared',
  '',
].join('\n');

describe("go.mod's replace directives to folders", () => {
  it('reads both forms, keeps versions and quotes out of the path, and leaves module replacements alone', () => {
    const goMod = [
      'module example.com/api',
      'replace example.com/a => ../a // the sibling',
      'replace example.com/b v1.2.0 => ./third_party/b',
      'replace example.com/c => example.com/fork/c v1.0.0',
      'replace (',
      '\texample.com/d => /abs/d',
      '\texample.com/e v0.1.0 => example.com/e v0.2.0',
      '\t// example.com/f => ../f',
      '\texample.com/g => "../g"',
      ')',
      'require example.com/h v1.0.0 // => ../not-a-replace',
    ].join('\n');
    expect(localReplaces(goMod)).toEqual([
      { directive: 'example.com/a => ../a', path: '../a' },
      { directive: 'example.com/b v1.2.0 => ./third_party/b', path: './third_party/b' },
      { directive: 'example.com/d => /abs/d', path: '/abs/d' },
      { directive: 'example.com/g => ../g', path: '../g' },
    ]);
  });

  it('outside the service folder, with no --context: one line naming the directive and the --context that holds both', async () => {
    const dir = repo({ 'api/go.mod': API_MOD, 'shared/go.mod': 'module example.com/shared\n' });
    const api = join(dir, 'api');
    const check = checkLocalReplaces(api, resolveServiceSource(api));
    await expect(check).rejects.toThrow(UsageError);
    await expect(check).rejects.toThrow(
      /^go\.mod's `replace example\.com\/shared => \.\.\/shared` reaches `\S+\/shared`, outside the build context `\S+\/api` \(the service folder\); pass `--context \S+`, a folder that holds the service and what it replaces$/,
    );
    const named = ((await check.catch((e: Error) => e)) as Error).message.match(
      /pass `--context (\S+)`/,
    )?.[1];
    expect(resolveServiceSource(api, named).contextDir).toBe(dir);
  });

  it('inside --context: accepted; a folder that is no Go module is not', async () => {
    const dir = repo({ 'api/go.mod': API_MOD, 'shared/go.mod': 'module example.com/shared\n' });
    const api = join(dir, 'api');
    await expect(checkLocalReplaces(api, resolveServiceSource(api, dir))).resolves.toBeUndefined();
    const bare = repo({ 'api/go.mod': API_MOD, 'shared/README': '' });
    await expect(
      checkLocalReplaces(join(bare, 'api'), resolveServiceSource(join(bare, 'api'), bare)),
    ).rejects.toThrow(
      /reaches `\S+\/shared`, which holds no go\.mod; point the directive at a Go module$/,
    );
  });

  it('a --context below the reach of a replace still names the directive, not the service', async () => {
    const dir = repo({
      'services/api/go.mod': API_MOD.replace('../shared', '../../shared'),
      'shared/go.mod': 'module example.com/shared\n',
    });
    const api = join(dir, 'services', 'api');
    await expect(
      checkLocalReplaces(api, resolveServiceSource(api, join(dir, 'services'))),
    ).rejects.toThrow(
      /^go\.mod's `replace example\.com\/shared => \.\.\/\.\.\/shared` reaches .*outside the build context `\S+\/services`; pass `--context /,
    );
  });
});

describe('the build context', () => {
  it('is the service folder unless --context names one above it; the service is then a folder in it', () => {
    const dir = repo({ 'services/api/go.mod': API_MOD });
    const api = join(dir, 'services', 'api');
    expect(resolveServiceSource(api)).toEqual({ contextDir: api, serviceInContext: '.' });
    expect(resolveServiceSource(api, dir)).toEqual({
      contextDir: dir,
      serviceInContext: 'services/api',
    });
    expect(serviceBuildArgs({ mainPackage: '.', source: resolveServiceSource(api, dir) })).toEqual({
      MAIN_PKG: '.',
      SERVICE_DIR: 'services/api',
    });
    // The service alone: no SERVICE_DIR, so a Dockerfile that does not know it builds as before.
    expect(serviceBuildArgs({ mainPackage: './cmd/x', source: resolveServiceSource(api) })).toEqual(
      {
        MAIN_PKG: './cmd/x',
      },
    );
  });

  it('refuses a --context that does not hold the service, or is not a folder', () => {
    const dir = repo({ 'api/go.mod': API_MOD, 'other/x': '' });
    expect(() => resolveServiceSource(join(dir, 'api'), join(dir, 'other'))).toThrow(
      /^`--service` `\S+\/api` is not inside `--context` `\S+\/other`; the context must be the service's folder or one above it$/,
    );
    expect(() => resolveServiceSource(join(dir, 'api'), join(dir, 'other', 'x'))).toThrow(
      /^`--context` `\S+\/x` is not a directory/,
    );
  });

  it("refuses, with --context, imgbench's Dockerfiles that do not read SERVICE_DIR, never the user's own", () => {
    const variant = (name: string, dockerfile: string, own = false): Variant => ({
      name,
      description: '',
      source: '',
      dockerfilePath: `/v/${name}/Dockerfile`,
      dockerfile,
      baseRoles: [],
      runtimeRole: null,
      ...(own ? { own: { dockerfile: '/Dockerfile', fromImages: [] } } : {}),
    });
    const reads = 'FROM x\nARG SERVICE_DIR=.\nRUN go build .\n';
    const ignores = 'FROM x\nCOPY . .\n';
    const dir = repo({ 'api/go.mod': API_MOD });
    const context = resolveServiceSource(join(dir, 'api'), dir);
    const variants = [variant('a', reads), variant('ours', ignores, true)];
    expect(() => checkVariantsTakeContext(variants, context)).not.toThrow();
    expect(() =>
      checkVariantsTakeContext([...variants, variant('cgo-scratch', ignores)], context),
    ).toThrow(
      'With `--context`, `cgo-scratch` cannot build the service in `api`: its Dockerfile does not read `ARG SERVICE_DIR`; leave it out of `--variants`, or give such a Dockerfile as `--dockerfile NAME=PATH` written against the context',
    );
    // Without --context every Dockerfile builds the service as it always has.
    expect(() =>
      checkVariantsTakeContext(
        [variant('cgo-scratch', ignores)],
        resolveServiceSource(join(dir, 'api')),
      ),
    ).not.toThrow();
  });
});
