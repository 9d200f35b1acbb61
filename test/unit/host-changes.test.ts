import { describe, expect, it } from 'vitest';
import { HostChanges } from '../../src/exec/host-changes.js';

describe('HostChanges', () => {
  it('undoes what is still in place, newest first, and goes on past a failure', async () => {
    const changes = new HostChanges();
    const order: string[] = [];
    changes.add('registry', async () => {
      order.push('registry');
    });
    const bridgeDone = changes.add('bridge', async () => {
      order.push('bridge');
    });
    changes.add('qdisc', async () => {
      order.push('qdisc');
      throw new Error('RTNETLINK answers: No such file or directory');
    });
    bridgeDone(); // undone the normal way: not undone again
    expect(changes.pending).toEqual(['registry', 'qdisc']);
    const failures = await changes.undoAll();
    expect(order).toEqual(['qdisc', 'registry']);
    expect(failures.map((f) => [f.what, (f.error as Error).message])).toEqual([
      ['qdisc', 'RTNETLINK answers: No such file or directory'],
    ]);
    expect(changes.pending).toEqual([]);
    expect(await changes.undoAll()).toEqual([]);
  });

  it('during: the change is pending while the work runs, then undone once and forgotten, also when the work throws', async () => {
    const changes = new HostChanges();
    const undone: string[] = [];
    const seen: string[][] = [];
    const result = await changes.during(
      'copy',
      async () => {
        undone.push('copy');
      },
      async () => {
        seen.push(changes.pending);
        return 42;
      },
    );
    expect(result).toBe(42);
    expect(seen).toEqual([['copy']]);
    expect(undone).toEqual(['copy']);
    expect(changes.pending).toEqual([]);

    await expect(
      changes.during(
        'qdisc',
        async () => {
          undone.push('qdisc');
        },
        async () => {
          throw new Error('pull failed');
        },
      ),
    ).rejects.toThrow('pull failed');
    expect(undone).toEqual(['copy', 'qdisc']);
    expect(changes.pending).toEqual([]);
    expect(await changes.undoAll()).toEqual([]);
  });

  it('reports what is in place after every change and undo, keeping what failed to undo', async () => {
    const records: string[][] = [];
    const changes = new HostChanges((pending) => records.push(pending));
    changes.add('registry', async () => {});
    const qdiscDone = changes.add('qdisc', async () => {});
    qdiscDone();
    changes.add('engine', async () => {
      throw new Error('busy');
    });
    await changes.undoAll();
    expect(records).toEqual([
      ['registry'],
      ['registry', 'qdisc'],
      ['registry'],
      ['registry', 'engine'],
      ['registry', 'engine'],
      ['engine'],
    ]);
  });
});
