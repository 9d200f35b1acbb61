/**
 * An engine's error said in words a reader can act on. dockerode wraps what
 * the engine says in `(HTTP code 500) server error - …`; under it sit Go's
 * network errors (`dial tcp: lookup HOST on …: no such host`) and the OCI
 * runtime's (`OCI runtime create failed: …`). The words keep the engine's
 * own key phrase, so a search for it still finds the cause.
 */

/** What the engine said, without dockerode's HTTP wrapping. */
export function engineWords(message: string): string {
  return message
    .replace(/^\(HTTP code \d+\) [a-z ]+ - /, '')
    .replace(/^Error response from daemon: /, '')
    .trim();
}

/** Why a registry did not answer, in words: the host and what went wrong, or the engine's words. */
export function registryTrouble(message: string): string {
  const words = engineWords(message);
  const host = /https?:\/\/([^/"]+)/.exec(words)?.[1] ?? /lookup ([^\s:]+)/.exec(words)?.[1];
  const at = host ? `${host} ` : 'the registry ';
  if (/no such host|server misbehaving|Temporary failure in name resolution/.test(words)) {
    return `${host ?? 'the registry'} has no DNS answer on this machine (no such host)`;
  }
  if (/connection refused/.test(words)) return `${at}refused the connection`;
  if (/network is unreachable|no route to host/.test(words)) {
    return `${at}cannot be reached from this machine (network is unreachable)`;
  }
  if (/i\/o timeout|deadline exceeded|Client\.Timeout/.test(words)) {
    return `${at}did not answer in time (timeout)`;
  }
  if (/x509|certificate/.test(words))
    return `${at}presented a certificate this engine does not trust`;
  if (/unauthorized|authentication required/.test(words)) return `${at}asked for credentials`;
  return words;
}

/**
 * What to check when a start fails in the engine's runtime rather than in
 * the image: undefined when the image itself is the cause (its entrypoint
 * missing or of another architecture), which the variant's failure says.
 */
export function runtimeCheck(message: string): string | undefined {
  const words = engineWords(message);
  if (
    /exec format error|executable file not found|no such file or directory|permission denied/.test(
      words,
    )
  ) {
    return undefined;
  }
  if (/namespace \{"time"|time namespace/.test(words)) {
    return 'the engine asks its runtime for a time namespace, which that runc does not know: the engine needs a newer runc (Docker 29 needs runc 1.2 or newer); check `runc --version` and the runtimes in `docker info`';
  }
  if (/seccomp/i.test(words)) {
    return "the runtime's seccomp setup refused the container: check the engine's seccomp profile (Security Options in `docker info`) and the kernel's seccomp support";
  }
  if (/cgroup/i.test(words)) {
    return "the runtime could not set up the container's cgroup: check Cgroup Version and Cgroup Driver in `docker info` and that the engine may write under /sys/fs/cgroup";
  }
  if (
    /OCI runtime (create|start) failed|runc (create|run|start) failed|failed to create shim task/.test(
      words,
    )
  ) {
    return "the runtime refused the container before the image ran: check the runtimes in `docker info` and the engine's log";
  }
  return undefined;
}

/**
 * A container start that the engine's runtime refused, in one line: the
 * engine's words and what to check; undefined when the image is the cause.
 */
export function startRefusal(message: string): string | undefined {
  const words = engineWords(message);
  const check = runtimeCheck(words);
  return check ? `the engine could not start a container: ${words}; ${check}` : undefined;
}
