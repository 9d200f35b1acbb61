import { execFileSync } from 'node:child_process';

/** CLI tests run the compiled `dist/cli/main.js`, as a user does; compile it once. */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
