import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { variantsDir } from '../../src/paths.js';
import { contextDockerfile, rewriteCopyInstruction } from '../../src/service/context-dockerfile.js';

/** How the variants' Dockerfiles write the service's folder: a build-arg, expanded by the engine. */
const DIR = `\${SERVICE_DIR}`;

describe('rewriteCopyInstruction', () => {
  it.each([
    ['COPY . .', 'COPY svc/ .'],
    ['COPY go.mod go.sum* ./', 'COPY svc/go.mod svc/go.sum* ./'],
    [`COPY ${DIR}/go.mod ${DIR}/`, `COPY svc/${DIR}/go.mod ${DIR}/`],
    ['copy ./cmd /src/cmd', 'copy svc/cmd /src/cmd'],
    [
      'COPY --chown=65532:65532 --chmod=755 app /app',
      'COPY --chown=65532:65532 --chmod=755 svc/app /app',
    ],
    ['COPY ["a b.txt", "c", "/dest/"]', 'COPY ["svc/a b.txt","svc/c","/dest/"]'],
    ['ADD /config.json /etc/', 'ADD svc/config.json /etc/'],
    ['ADD https://example.com/x.tgz /x', 'ADD https://example.com/x.tgz /x'],
    ['COPY --from=builder /app/main .', 'COPY --from=builder /app/main .'],
    ['COPY --from builder /app/main .', 'COPY --from builder /app/main .'],
  ])('%s → %s', (input, expected) => {
    expect(rewriteCopyInstruction(input)).toBe(expected);
  });
});

describe('contextDockerfile', () => {
  it('rewrites only context sources and keeps RUN continuations and comments as written', () => {
    const text = readFileSync(join(variantsDir(), 'stripped', 'Dockerfile'), 'utf8');
    const sent = contextDockerfile(text);
    expect(sent).toContain(
      `COPY svc/${DIR}/go.mod svc/${DIR}/go.sum* svc/${DIR}/vendo[r]/modules.tx[t] ${DIR}/`,
    );
    expect(sent).toContain('COPY svc/ .');
    expect(sent).toContain('COPY --from=builder /app/main .');
    expect(sent).toContain(`RUN cd ${DIR} && CGO_ENABLED=0 GOOS=linux go build \\\n    -a \\\n`);
    expect(sent.split('\n').filter((l) => l.startsWith('#'))).toEqual(
      text.split('\n').filter((l) => l.startsWith('#')),
    );
  });

  it('joins a continued COPY before rewriting it', () => {
    expect(contextDockerfile('COPY go.mod \\\n  go.sum ./\nRUN true')).toBe(
      'COPY svc/go.mod svc/go.sum ./\nRUN true',
    );
  });
});
