import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/** The main package a run builds, and how it was chosen. */
export interface MainPackage {
  /** As `go build` takes it: `.`, `./cmd/server`. */
  path: string;
  /** `given`: `--main`; `root`: the module's root is a main package; `found`: the module's only main package. */
  chosen: 'given' | 'root' | 'found';
}

/** A file's package clause and whether it defines `func main()`, with `//go:build ignore` files left out. */
interface GoFile {
  pkg: string;
  definesMain: boolean;
}

/** Comments before the package clause: where build constraints live. */
const HEADER_COMMENTS = /^(?:\s+|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/;

function readGoFile(text: string): GoFile | undefined {
  const header = HEADER_COMMENTS.exec(text)?.[0] ?? '';
  // `go build` leaves these out: generators kept beside a library (`//go:build ignore`).
  if (/^\/\/go:build\s+ignore\s*$|^\/\/\s*\+build\s+ignore\s*$/m.test(header)) return undefined;
  const pkg = /^package\s+(\w+)/.exec(text.slice(header.length))?.[1];
  if (!pkg) return undefined;
  return { pkg, definesMain: /^func\s+main\s*\(\s*\)/m.test(text) };
}

/** Whether the Go files of `dir` (tests left out) make a main package with `func main`. */
async function isMainPackage(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries.filter(
    (e) =>
      e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go') && !/^[._]/.test(e.name),
  );
  let main = false;
  let definesMain = false;
  for (const file of files) {
    const go = readGoFile(await readFile(join(dir, file.name), 'utf8'));
    if (!go) continue;
    if (go.pkg !== 'main') return false;
    main = true;
    definesMain ||= go.definesMain;
  }
  return main && definesMain;
}

/**
 * The main packages of the Go module at `moduleDir`, as `go list ./...`
 * would see them: folders starting with `.` or `_`, `testdata`, `vendor` and
 * nested modules (a folder with its own go.mod) are left out. Sorted, `.` first.
 */
export async function findMainPackages(moduleDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    if (await isMainPackage(dir)) found.push(packagePath(moduleDir, dir));
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (!entry.isDirectory() || /^[._]/.test(entry.name)) continue;
      if (entry.name === 'testdata' || entry.name === 'vendor') continue;
      const sub = join(dir, entry.name);
      if (existsSync(join(sub, 'go.mod'))) continue;
      await walk(sub);
    }
  };
  await walk(moduleDir);
  return found.sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a.localeCompare(b)));
}

/** `./cmd/server` for `<module>/cmd/server`, `.` for the module itself. */
function packagePath(moduleDir: string, dir: string): string {
  const rel = relative(moduleDir, dir);
  return rel === '' ? '.' : `./${rel.split(sep).join('/')}`;
}

const listed = (paths: readonly string[]) =>
  paths.length === 0 ? 'none' : paths.map((p) => `\`${p}\``).join(', ');

/**
 * The main package to build, checked before anything is built: `--main`
 * when given (it must be a folder of the module and a main package), else
 * the module's root when it is one, else the module's one main package.
 * A module without one (a library), or with several and no `--main`, is bad
 * input, said in one line that lists what was found.
 */
export async function resolveMainPackage(
  serviceDir: string,
  given: string | undefined,
): Promise<MainPackage> {
  if (given !== undefined) {
    const dir = resolve(serviceDir, given);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(
        `\`--main\` \`${given}\` is not a folder of \`${serviceDir}\`; its main packages: ${listed(await findMainPackages(serviceDir))}`,
      );
    }
    if (!(await isMainPackage(dir))) {
      throw new UsageError(
        `\`--main\` \`${given}\` is not a main package (no file of it says \`package main\` and defines \`func main\`); the main packages of \`${serviceDir}\`: ${listed(await findMainPackages(serviceDir))}`,
      );
    }
    return { path: given, chosen: 'given' };
  }
  const found = await findMainPackages(serviceDir);
  if (found[0] === '.') return { path: '.', chosen: 'root' };
  if (found.length === 1) return { path: found[0] as string, chosen: 'found' };
  if (found.length === 0) {
    throw new UsageError(
      `\`${serviceDir}\` holds no main package: no folder of its module has a file that says \`package main\` and defines \`func main\` (a library has no program to put in an image); point \`--service\` at a module with a command`,
    );
  }
  throw new UsageError(
    `\`${serviceDir}\` is not a main package itself and holds ${found.length}: ${listed(found)}; pass the one to measure with \`--main\``,
  );
}
