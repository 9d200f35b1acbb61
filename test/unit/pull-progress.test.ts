import { describe, expect, it } from 'vitest';
import { PullProgressTally } from '../../src/engine/pull-progress.js';

/** Feeds `[id, status, atMs]` lines to a tally, as a pull's progress stream would. */
function tally(lines: Array<[string | undefined, string, number]>): PullProgressTally {
  const t = new PullProgressTally();
  for (const [id, status, at] of lines) t.add(id === undefined ? { status } : { id, status }, at);
  return t;
}

describe('PullProgressTally', () => {
  it('counts every layer of a pull whose stream has each status', () => {
    const t = tally([
      ['multi-stage', 'Pulling from imgbench/sample', 1],
      ['a1', 'Pulling fs layer', 2],
      ['b2', 'Pulling fs layer', 2],
      ['a1', 'Downloading', 5],
      ['a1', 'Verifying Checksum', 9],
      ['a1', 'Download complete', 10],
      ['b2', 'Download complete', 12],
      ['a1', 'Extracting', 13],
      ['a1', 'Pull complete', 20],
      ['b2', 'Extracting', 21],
      ['b2', 'Pull complete', 25],
      [undefined, 'Digest: sha256:00', 26],
      [undefined, 'Status: Downloaded newer image for x', 26],
    ]);
    expect(t.layersPulled).toBe(2);
    expect(t.layersPresent).toBe(0);
    expect(t.lastArrivalMs).toBe(12);
  });

  it('counts a layer whose "Download complete" dockerd coalesced into "Extracting"', () => {
    // The failing engine-test pull: three layers, the small one's
    // "Download complete" never written, so the old count said 2.
    const t = tally([
      ['c3', 'Pulling fs layer', 1],
      ['d4', 'Pulling fs layer', 1],
      ['e5', 'Pulling fs layer', 1],
      ['c3', 'Downloading', 3],
      ['c3', 'Download complete', 30],
      ['d4', 'Download complete', 31],
      ['e5', 'Extracting', 33],
      ['c3', 'Extracting', 34],
      ['c3', 'Pull complete', 40],
      ['d4', 'Pull complete', 41],
      ['e5', 'Pull complete', 42],
    ]);
    expect(t.layersPulled).toBe(3);
    expect(t.lastArrivalMs).toBe(33);
  });

  it('counts a layer seen only as "Pull complete", arrived then', () => {
    const t = tally([
      ['f6', 'Pulling fs layer', 1],
      ['g7', 'Pull complete', 9],
      ['f6', 'Download complete', 5],
      ['f6', 'Pull complete', 8],
    ]);
    expect(t.layersPulled).toBe(2);
    expect(t.lastArrivalMs).toBe(9);
  });

  it('keeps layers already there apart, and an all-present pull has no arrival', () => {
    const t = tally([
      ['latest', 'Pulling from imgbench/sample', 1],
      ['a1', 'Already exists', 2],
      ['b2', 'Already exists', 2],
    ]);
    expect(t.layersPresent).toBe(2);
    expect(t.layersPulled).toBe(0);
    expect(t.lastArrivalMs).toBeUndefined();
  });

  it('does not count the tag line of "Pulling from" as a layer', () => {
    const t = tally([['stripped', 'Pulling from imgbench/sample', 0]]);
    expect(t.layersPulled).toBe(0);
  });
});
