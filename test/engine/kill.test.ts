import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../temp-dir.js';
import { hostLeftovers, imgbench, labelledContainers, startRunUntil } from './helpers.js';

/** Starts `imgbench run args`, waits for `marker` in its output and `delayMs` more, then SIGKILLs it. */
async function killWhen(args: string[], marker: RegExp, delayMs = 0): Promise<void> {
  const { child } = await startRunUntil(args, marker, delayMs);
  child.kill('SIGKILL');
  const result = await child;
  expect(result.signal).toBe('SIGKILL');
}

function runsIn(out: string): unknown[] {
  return readdirSync(out)
    .filter((d) => /^\d{8}-/.test(d))
    .map((d) => JSON.parse(readFileSync(join(out, d, 'results.json'), 'utf8')));
}

describe('a run killed with SIGKILL', () => {
  it('leaves a dockerd, the registry and a qdisc that the next run removes before its own shaping', async () => {
    const out = tempDir('kill-pull');
    await killWhen(
      ['--metrics', 'pull', '--variants', 'multi-stage', '--link', '1mbit', '--out', out],
      /pulling over a link shaped to 1mbit/,
      // The stage line comes just before the qdisc is put in place; a 6.7 MB
      // pull at 1 Mbit/s takes ~54 s, so 2 s later the shaped pull is on.
      2_000,
    );
    // Nothing could clean up: the engine, the registry and the qdisc are still
    // there, and the run folder's record names them.
    const [runDir] = readdirSync(out).filter((d) => /^\d{8}-/.test(d));
    const record = JSON.parse(readFileSync(join(out, runDir ?? '', 'host-changes.json'), 'utf8'));
    expect(record.inPlace).toEqual([
      expect.stringMatching(/^the registry on 127\.0\.0\.1:\d+ \(pid \d+, storage /),
      expect.stringMatching(/^the isolated dockerd \(pid \d+, bridge imgbench-[0-9a-f]{4}, /),
      'the 1mbit qdisc on lo',
    ]);
    const left = hostLeftovers();
    expect(left.join('\n')).toMatch(/dockerd .*--data-root \/var\/lib\/imgbench\//);
    expect(left.join('\n')).toMatch(/docker-registry serve/);
    expect(left.join('\n')).toMatch(/qdisc htb be:/);
    // And the record that the run was alive, whose owner is now gone.
    expect(left).toContain('/run/imgbench-owners');
    // The next run, itself alive and recorded, still removes the dead run's qdisc,
    // which would otherwise refuse its own shaping.
    const next = await imgbench([
      'run',
      '--metrics',
      'pull',
      '--variants',
      'scratch',
      '--link',
      '100mbit',
      '--repeat',
      '2',
      '--out',
      out,
    ]);
    expect(next.stderr).toMatch(
      /removed what earlier runs left: .*process \d+ \(dockerd\).*the qdisc be: on lo/,
    );
    expect(next.status).toBe(0);
    expect(hostLeftovers()).toEqual([]);
    // The killed run's file was written before the kill, never half-written.
    expect(runsIn(out)).toEqual([
      expect.objectContaining({ complete: false }),
      expect.objectContaining({ complete: true }),
    ]);
  });

  it('while a service runs: `imgbench clean` removes the engine, the container and the service', async () => {
    const out = tempDir('kill-memory');
    await killWhen(
      ['--metrics', 'memory', '--variants', 'scratch', '--repeat', '20', '--out', out],
      /memory scratch: sample 2\//,
      // Sample 3 is then ready (~0.4 s) and settling (1 s) before its load.
      800,
    );
    const left = hostLeftovers().join('\n');
    expect(left).toMatch(/dockerd .*--data-root \/var\/lib\/imgbench\//);
    expect(left).toMatch(/^\d+ \/main$/m);
    const clean = await imgbench(['clean']);
    expect(clean.stdout).toMatch(/^removed {2}the processes of container [0-9a-f]{12} of run /m);
    expect(clean.stdout).toMatch(/^removed {2}process \d+ \(dockerd\)/m);
    expect(clean.stdout).toMatch(/^removed {2}bridge imgbench-[0-9a-f]{4}$/m);
    expect(clean.status).toBe(0);
    expect(hostLeftovers()).toEqual([]);
    expect(labelledContainers()).toEqual([]);
    expect(runsIn(out)).toEqual([expect.objectContaining({ complete: false })]);
    const again = await imgbench(['clean']);
    expect(again.stdout.trim()).toBe('nothing of imgbench’s was left');
  });
});

describe('a process of the run killed while it pulls', () => {
  it.each([
    [
      'the registry',
      'docker-registry serve /tmp/imgbench-registry-',
      /the run's registry on 127\.0\.0\.1:\d+ was killed by SIGKILL/,
    ],
    [
      'the isolated dockerd',
      'dockerd --config-file /run/imgbench/',
      /the isolated dockerd was killed by SIGKILL/,
    ],
  ])(
    '%s: each variant fails saying so, the run completes and leaves nothing',
    async (_, pattern, reason) => {
      const out = tempDir('fault');
      const { child } = await startRunUntil(
        ['--metrics', 'pull,startup', '--variants', 'scratch,multi-stage', '--out', out],
        /pulling over loopback/,
      );
      execFileSync('pkill', ['-9', '-f', pattern]);
      const result = await child;
      expect(result.exitCode).toBe(1);
      const [run] = runsIn(out) as Array<{
        complete: boolean;
        variants: Array<{ state: string; failure?: { stage: string; message: string } }>;
      }>;
      expect(run?.complete).toBe(true);
      // A pull that finished before the kill may stand; every variant ends failed at a pull.
      for (const variant of run?.variants ?? []) {
        expect(variant.state).toBe('failed');
        expect(variant.failure?.stage).toBe('pull');
      }
      expect(run?.variants.map((v) => v.failure?.message).join('\n')).toMatch(reason);
      expect(hostLeftovers()).toEqual([]);
      expect(labelledContainers()).toEqual([]);
    },
  );
});
