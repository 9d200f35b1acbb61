/** Go's settings a build takes from the host when they are set there: where and how modules are fetched. */
export const HOST_GO_SETTINGS = ['GOPROXY', 'GOPRIVATE', 'GONOSUMDB', 'GOFLAGS'] as const;

/**
 * The build args that carry the host's settings, `HOST_GOPROXY` and so on:
 * the variants' builder stages set `ENV GOPROXY=${HOST_GOPROXY:-$GOPROXY}`,
 * so an unset one leaves the image's own (the stand-ins' `off`). They reach
 * the build only; results never record them.
 */
export function hostGoBuildArgs(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const args: Record<string, string> = {};
  for (const name of HOST_GO_SETTINGS) {
    const value = env[name];
    if (value) args[`HOST_${name}`] = value;
  }
  return args;
}

/**
 * Whether the host's GOPROXY names a proxy on the host's own loopback
 * (`http://127.0.0.1:3000`, `http://localhost:8081|direct`): a build
 * container on a bridge cannot reach that, so such builds run on the host's
 * network.
 */
export function proxyOnLoopback(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.GOPROXY ?? '')
    .split(/[,|]/)
    .map((entry) => entry.trim())
    .some((entry) => {
      try {
        const { hostname } = new URL(entry);
        return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
      } catch {
        return false;
      }
    });
}
