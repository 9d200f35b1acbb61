import { describe, expect, it } from 'vitest';
import { runIdIn } from '../../src/cleanup/reaper.js';

describe('which run a leftover belongs to', () => {
  it.each([
    [
      '/usr/sbin/dockerd --data-root /var/lib/imgbench/20261123-010203-ab12 --exec-root /run/imgbench/20261123-010203-ab12/exec',
      '20261123-010203-ab12',
    ],
    [
      'containerd --config /run/imgbench/20261123-010203-ab12/exec/containerd/containerd.toml',
      '20261123-010203-ab12',
    ],
    [
      'containerd-shim-runc-v2 -namespace imgbench-20261123-010203-ab12 -id 3f2a -address /run/imgbench/20261123-010203-ab12/exec/containerd/containerd.sock',
      '20261123-010203-ab12',
    ],
    ['/var/lib/imgbench/empty', 'empty'],
    [
      '/usr/bin/docker-registry serve /tmp/imgbench-registry-20261123-010203-ab12-Xy9AbC/config.yml',
      '20261123-010203-ab12',
    ],
    ['/tmp/imgbench-registry-bench-pull-a1B2c3/', 'bench-pull'],
    ['/tmp/imgbench-build-src-20261123-031911-7c68-QwErTy/', '20261123-031911-7c68'],
  ])('%s → %s', (text, id) => {
    expect(runIdIn(text)).toBe(id);
  });

  it('finds none in what is not imgbench’s', () => {
    expect(runIdIn('/usr/sbin/dockerd -H fd://')).toBeUndefined();
    expect(
      runIdIn('/usr/bin/docker-registry serve /etc/docker/registry/config.yml'),
    ).toBeUndefined();
    expect(runIdIn('/var/lib/imgbench-other/x')).toBeUndefined();
  });
});
