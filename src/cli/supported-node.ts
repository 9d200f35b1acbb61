/**
 * Whether this Node.js can run imgbench. Checked before anything else loads:
 * the dependencies need Node 22.12, and on an older Node one of them fails
 * to load with a stack trace instead of a line that says what to do.
 */

/** `[major, minor, patch]` of `22.12.0`, `v22.12` or `>=22.12`. */
function parts(version: string): number[] {
  return version
    .replace(/^[>=v]+/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
}

/**
 * One line saying that `running` is older than `required` (package.json's
 * `engines.node`, `>=22.12`) and what to do, or undefined when it is not.
 */
export function unsupportedNode(running: string, required: string): string | undefined {
  const have = parts(running);
  const need = parts(required);
  for (let i = 0; i < 3; i++) {
    const diff = (have[i] ?? 0) - (need[i] ?? 0);
    if (diff > 0) return undefined;
    if (diff < 0) {
      return `Node.js ${required.replace(/^>=/, '')} or newer is needed, this is ${running.replace(/^v/, '')}; install Node 22 or 24, or from a clone run \`bash scripts/setup.sh\` and then \`npm run imgbench -- …\`, which uses a Node 24 of the project's own`;
    }
  }
  return undefined;
}
