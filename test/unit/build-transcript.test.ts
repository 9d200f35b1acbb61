import { describe, expect, it } from 'vitest';
import { BuildTranscriptReader, failureHeadline } from '../../src/engine/build-transcript.js';
import { decodeBuildkitStatus } from '../../src/engine/buildkit-status.js';
import { field, log, traceMessage, vertex } from './protobuf-writer.js';

describe('decodeBuildkitStatus', () => {
  it('reads vertexes with cache flag, timestamps and error, and logs with their stream', () => {
    const aux = Buffer.concat([
      field(
        1,
        vertex({
          digest: 'sha256:a',
          name: '[builder 3/6] RUN go mod download',
          cached: true,
          startedMs: 1_000,
          completedMs: 1_250,
        }),
      ),
      field(3, log('sha256:a', 'hello\n', 1)),
    ]).toString('base64');
    const status = decodeBuildkitStatus(aux);
    expect(status.vertexes).toEqual([
      {
        digest: 'sha256:a',
        name: '[builder 3/6] RUN go mod download',
        cached: true,
        startedMs: 1_000,
        completedMs: 1_250,
      },
    ]);
    expect(status.logs).toHaveLength(1);
    expect(status.logs[0]?.stream).toBe(1);
    expect(status.logs[0]?.msg.toString()).toBe('hello\n');
  });

  it('rejects a truncated message instead of inventing fields', () => {
    const bytes = field(1, vertex({ digest: 'sha256:a', name: 'x' }));
    expect(() =>
      decodeBuildkitStatus(bytes.subarray(0, bytes.length - 3).toString('base64')),
    ).toThrow(/truncated/);
  });
});

describe('failureHeadline', () => {
  it('picks the first compiler diagnostic over the package line and the engine error', () => {
    const log = '# example.com/x\n./a.go:3:28: undefined: y\n./b.go:1:1: z\n';
    expect(failureHeadline(log, 'exit code: 1')).toBe('./a.go:3:28: undefined: y');
  });

  it('falls back to the last output line, then to the engine error', () => {
    expect(
      failureHeadline('go: downloading x\ngo: module lookup disabled by GOPROXY=off\n', 'e'),
    ).toBe('go: module lookup disabled by GOPROXY=off');
    expect(failureHeadline(undefined, 'failed to compute cache key')).toBe(
      'failed to compute cache key',
    );
  });
});

describe('BuildTranscriptReader', () => {
  it('gives the failing step and the compiler output of that step only', () => {
    const reader = new BuildTranscriptReader();
    const lines = [
      traceMessage({
        vertexes: [
          vertex({ digest: 'sha256:copy', name: '[2/3] COPY . .', startedMs: 0, completedMs: 10 }),
        ],
      }),
      traceMessage({ logs: [log('sha256:copy', 'unrelated output\n')] }),
      traceMessage({
        vertexes: [
          vertex({ digest: 'sha256:go', name: '[3/3] RUN go build -o main .', startedMs: 10 }),
        ],
        logs: [log('sha256:go', '# example.com/x\n./main.go:5:2: undefined: nope\n')],
      }),
      traceMessage({
        vertexes: [
          vertex({
            digest: 'sha256:go',
            name: '[3/3] RUN go build -o main .',
            startedMs: 10,
            completedMs: 900,
            error:
              'process "/bin/sh -c go build -o main ." did not complete successfully: exit code: 1',
          }),
        ],
      }),
      JSON.stringify({
        errorDetail: { message: 'executor failed running' },
        error: 'executor failed running',
      }),
    ];
    // Chunk boundaries fall inside lines, as they do on a socket.
    const text = `${lines.join('\n')}\n`;
    let rest = '';
    for (let i = 0; i < text.length; i += 37) rest = reader.pushText(rest + text.slice(i, i + 37));
    reader.pushText(`${rest}\n`);
    const t = reader.transcript();
    expect(t.imageId).toBeUndefined();
    expect(t.error).toMatch(/did not complete successfully: exit code: 1/);
    expect(t.failedStepLog).toContain('./main.go:5:2: undefined: nope');
    expect(t.failedStepLog).not.toContain('unrelated output');
    expect(t.steps.find((s) => s.digest === 'sha256:go')?.durationMs).toBe(890);
  });

  it('reports cache hits and the image id of a successful build', () => {
    const reader = new BuildTranscriptReader();
    reader.push(
      JSON.parse(
        traceMessage({
          vertexes: [vertex({ digest: 'sha256:m', name: 'RUN go mod download', cached: true })],
        }),
      ),
    );
    reader.push(
      JSON.parse(
        traceMessage({ vertexes: [vertex({ digest: 'sha256:b', name: 'RUN go build' })] }),
      ),
    );
    reader.push({ id: 'moby.image.id', aux: { ID: 'sha256:feed' } });
    const t = reader.transcript();
    expect(t.error).toBeUndefined();
    expect(t.imageId).toBe('sha256:feed');
    expect(t.steps.map((s) => [s.name, s.cached])).toEqual([
      ['RUN go mod download', true],
      ['RUN go build', false],
    ]);
  });

  it('falls back to the daemon errorDetail and the plain stream when there are no BuildKit steps', () => {
    const reader = new BuildTranscriptReader();
    reader.push({ stream: 'Step 1/2 : FROM nope\n' });
    reader.push({
      errorDetail: { message: 'pull access denied for nope' },
      error: 'pull access denied for nope',
    });
    const t = reader.transcript();
    expect(t.error).toBe('pull access denied for nope');
    expect(t.failedStepLog).toContain('FROM nope');
  });
});
