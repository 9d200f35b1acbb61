import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../src/engine/docker-engine.js';
import { EngineError } from '../../src/errors.js';
import { tempDir } from '../temp-dir.js';

let server: Server | undefined;
afterEach(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

/** Something on a unix socket that answers /version as an old engine would. */
async function oldEngine(apiVersion: string): Promise<string> {
  const socketPath = join(tempDir('old-engine'), 'docker.sock');
  server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(
      req.url?.endsWith('/version')
        ? JSON.stringify({ Version: '17.03.2-ce', ApiVersion: apiVersion })
        : '{}',
    );
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(socketPath, resolve));
  return socketPath;
}

describe('DockerEngine.connect', () => {
  it('refuses an engine whose API is too old for BuildKit builds, naming its version and the fix', async () => {
    const socketPath = await oldEngine('1.27');
    const error = await DockerEngine.connect({ socketPath }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('E_ENGINE_TOO_OLD');
    expect((error as EngineError).message).toBe(
      `The engine at \`unix://${socketPath}\` speaks API 1.27; imgbench needs 1.40 or newer for BuildKit builds`,
    );
    expect((error as EngineError).hint).toMatch(/install Docker 19\.03 or newer/);
  });

  it('takes an engine that is recent enough', async () => {
    const socketPath = await oldEngine('1.41');
    await expect(DockerEngine.connect({ socketPath })).resolves.toBeInstanceOf(DockerEngine);
  });
});
