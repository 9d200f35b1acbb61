import { describe, expect, it } from 'vitest';
import { runMetric } from './metric-run.js';

describe('the size metric on the fake engine', () => {
  it('sums the layer tars, keeps the engine’s own figure beside it, and reads the binary', async () => {
    const { run, engine, table, csv } = await runMetric('size');
    for (const v of run.variants) {
      if (v.state !== 'ok') throw new Error(`${v.name} ${v.state}`);
      const layers = await engine.layerSizes(v.image);
      expect(v.size.sizeBytes).toBe(layers.reduce((sum, l) => sum + l.tarBytes, 0));
      expect(v.size.engineSizeBytes).toBe((await engine.inspectImage(v.image))?.sizeBytes);
      expect(v.size.layers).toHaveLength(3);
      expect(v.size.binary).toMatchObject({ sizeBytes: 6_000_000, linkage: 'static' });
    }
    expect(table).toMatch(/^scratch +ok +8\.03 MB +8030718 /m);
    expect(csv).toContain('scratch');
  });

  it('fails a variant whose command is no ELF executable, at size, keeping its size', async () => {
    const { run } = await runMetric('size', {
      imageFile: (variant) =>
        variant === 'distroless'
          ? { sizeBytes: 1_982, head: Buffer.from('!<arch>\n__.PKGDEF') }
          : undefined,
    });
    const distroless = run.variants.find((v) => v.name === 'distroless');
    expect(distroless).toMatchObject({
      state: 'failed',
      failure: { stage: 'size' },
      size: { sizeBytes: expect.any(Number) },
    });
    expect(run.variants.find((v) => v.name === 'scratch')?.state).toBe('ok');
  });
});
