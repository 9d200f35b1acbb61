import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { engineWords, registryTrouble, runtimeCheck } from '../../src/engine/engine-words.js';
import { runToExit } from '../../src/engine/run-to-exit.js';

// What dockerode and the engines here said, as the errors carried it.
const NO_DNS =
  '(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host';
const OLD_RUNC =
  '(HTTP code 500) server error - failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: namespace {"time" ""} does not exist: unknown';
const NO_ENTRYPOINT =
  '(HTTP code 400) bad parameter - failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/main": stat /main: no such file or directory: unknown';

describe('an engine error in words', () => {
  it('drops the HTTP wrapping and keeps the engine’s words', () => {
    expect(engineWords(NO_DNS)).toMatch(/^Get "https:\/\/registry-1\.docker\.io\/v2\/": dial tcp/);
    expect(engineWords('Error response from daemon: conflict')).toBe('conflict');
  });

  it('says why a registry did not answer, naming its host', () => {
    expect(registryTrouble(NO_DNS)).toBe(
      'registry-1.docker.io has no DNS answer on this machine (no such host)',
    );
    expect(
      registryTrouble(
        '(HTTP code 500) server error - Get "https://mirror.example:5000/v2/": dial tcp 10.0.0.9:5000: connect: connection refused',
      ),
    ).toBe('mirror.example:5000 refused the connection');
    expect(
      registryTrouble(
        'Get "https://r.example/v2/": net/http: request canceled (Client.Timeout exceeded)',
      ),
    ).toBe('r.example did not answer in time (timeout)');
    // Words it has no reading of stay the engine's.
    expect(registryTrouble('(HTTP code 500) server error - something new')).toBe('something new');
  });

  it('names what to check when the runtime, not the image, refused a start', () => {
    expect(runtimeCheck(OLD_RUNC)).toMatch(/newer runc .*runc --version/);
    expect(
      runtimeCheck(
        'OCI runtime create failed: runc create failed: seccomp: config provided but seccomp not supported',
      ),
    ).toMatch(/seccomp profile/);
    expect(
      runtimeCheck('OCI runtime create failed: cgroups: cgroup mountpoint does not exist'),
    ).toMatch(/Cgroup Version/);
    expect(
      runtimeCheck('failed to create shim task: OCI runtime create failed: something else'),
    ).toMatch(/refused the container before the image ran/);
    // The image's own fault is the variant's failure, not the engine's.
    expect(runtimeCheck(NO_ENTRYPOINT)).toBeUndefined();
    expect(runtimeCheck('Conflict. The container name is already in use')).toBeUndefined();
  });
});

describe('a command container the runtime refuses to start', () => {
  it("is said in one line with what to check, not as the engine's 500", async () => {
    // dockerd 29.7.2 with a runc built without seccomp, as its log said it.
    const said =
      '(HTTP code 500) server error - failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: seccomp: config provided but seccomp not supported: unknown';
    const removed: string[] = [];
    const engine = {
      createContainer: async () => 'c1',
      startContainer: async () => {
        throw new Error(said);
      },
      removeContainer: async (id: string) => {
        removed.push(id);
      },
    } as unknown as Engine;
    const failed = runToExit(
      engine,
      { image: 'golang:1.24', cmd: ['go', 'version'], labels: {} },
      1_000,
    );
    await expect(failed).rejects.toThrow(
      /^the engine could not start a container: failed to create task .*seccomp not supported: unknown; the runtime's seccomp setup refused the container: check the engine's seccomp profile/,
    );
    await expect(failed).rejects.not.toThrow(/HTTP code 500/);
    expect(removed).toEqual(['c1']);
  });
});
