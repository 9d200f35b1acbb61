import { execSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BASE_ROLES } from '../../src/bases/base-roles.js';
import { STAND_IN_RECIPES } from '../../src/bases/stand-in-recipes.js';
import { dockerCli, imgbench } from './helpers.js';

describe('imgbench bases', () => {
  it('is idempotent: a second call finds every stand-in present with the same recipe', async () => {
    const first = await imgbench(['bases']);
    expect(first.status).toBe(0);
    const second = await imgbench(['bases', '--json']);
    expect(second.status).toBe(0);
    const outcomes = JSON.parse(second.stdout) as Array<{
      action: string;
      base: { image: string };
    }>;
    expect(outcomes.map((o) => o.action)).toEqual(BASE_ROLES.map(() => 'present'));
  });

  it('labels each stand-in with what it stands in for and its recipe hash', () => {
    for (const recipe of Object.values(STAND_IN_RECIPES)) {
      const labels = JSON.parse(
        dockerCli(['image', 'inspect', '-f', '{{json .Config.Labels}}', recipe.tag]),
      );
      expect(labels['org.imgbench.stands-in-for']).toBe(recipe.standsInFor);
      expect(labels['org.imgbench.recipe-hash']).toMatch(/^sha256:[0-9a-f]{64}$/);
      // Whoever reads the image, not imgbench, is told it is a stand-in.
      const description = String(labels['org.opencontainers.image.description']);
      const prefix = `imgbench stand-in for ${recipe.standsInFor}: `;
      expect(description.slice(0, prefix.length)).toBe(prefix);
    }
  });

  it('makes a distroless stand-in as distroless is: no shell, nonroot 65532, CA bundle, time zones, /tmp 1777', () => {
    const image = STAND_IN_RECIPES['distroless-static'].tag;
    expect(dockerCli(['image', 'inspect', '-f', '{{.Config.User}}', image])).toBe('65532');
    const container = dockerCli([
      'create',
      '--label',
      'org.imgbench.managed=true',
      image,
      '/nothing',
    ]);
    let listing: string;
    let passwd: string;
    try {
      listing = execSync(`docker export ${container} | tar -tvf -`, {
        encoding: 'utf8',
        maxBuffer: 64e6,
      });
      passwd = execSync(`docker export ${container} | tar -xOf - etc/passwd`, { encoding: 'utf8' });
    } finally {
      dockerCli(['rm', container]);
    }
    const paths = listing.split('\n').map((l) => l.split(/\s+/).slice(5).join(' '));
    for (const shell of ['bin/sh', 'usr/bin/sh', 'bin/bash', 'usr/bin/bash', 'bin/busybox']) {
      expect(paths).not.toContain(shell);
    }
    expect(paths).toContain('etc/ssl/certs/ca-certificates.crt');
    expect(paths).toContain('usr/share/zoneinfo/Europe/Berlin');
    expect(listing).toMatch(/^drwxrwxrwt .* tmp\/$/m);
    expect(passwd).toContain('nonroot:x:65532:65532:');
  });
});

describe('the alpine stand-ins', () => {
  const inImage = (image: string, script: string) =>
    dockerCli(['run', '--rm', '--label', 'org.imgbench.managed=true', image, 'sh', '-c', script]);

  it('are busybox and musl as Alpine is: no glibc, no dpkg or apt, the musl loader where Alpine has it', () => {
    for (const role of ['alpine', 'golang-alpine'] as const) {
      const image = STAND_IN_RECIPES[role].tag;
      const seen = inImage(
        image,
        'for p in /usr/bin/dpkg /usr/bin/apt-get /bin/dpkg /sbin/apk; do [ -e $p ] && echo has $p; done; ls /lib /usr/lib 2>/dev/null | grep -E "^(libc\\.so\\.6|ld-linux.*)$"; readlink /bin/sh; ls -l /lib/ld-musl-x86_64.so.1 /lib/libc.musl-x86_64.so.1',
      );
      expect(seen, role).not.toMatch(/^has /m);
      expect(seen, role).not.toMatch(/libc\.so\.6|ld-linux/);
      expect(seen, role).toMatch(/^\/bin\/busybox$/m);
      expect(seen, role).toMatch(/libc\.musl-x86_64\.so\.1 -> ld-musl-x86_64\.so\.1/);
    }
  });

  it('golang-alpine has Go at /usr/local/go as golang:alpine does, and cgo off for want of a C compiler', () => {
    const seen = inImage(
      STAND_IN_RECIPES['golang-alpine'].tag,
      'command -v go; go env GOROOT CGO_ENABLED GOPATH',
    );
    expect(seen.split('\n')).toEqual(['/usr/local/go/bin/go', '/usr/local/go', '0', '/go']);
  });
});
