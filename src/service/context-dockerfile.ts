/**
 * Folder of the build context that holds the service. dockerd's BuildKit
 * treats an uploaded tar as an HTTP context and applies no .dockerignore to
 * it, so a Dockerfile sent inside the tar would be copied by `COPY . .`.
 * imgbench therefore sends the (already filtered) service under this folder
 * and the Dockerfile beside it, and points COPY/ADD sources into the folder:
 * the image gets exactly the files `docker build` would give it.
 */
export const SERVICE_PREFIX = 'svc';

const REMOTE_SOURCE = /^(https?:\/\/|git@|git:\/\/)/;

function prefixSource(source: string): string {
  if (REMOTE_SOURCE.test(source)) return source;
  const trimmed = source.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  return trimmed === '' || trimmed === '.' ? `${SERVICE_PREFIX}/` : `${SERVICE_PREFIX}/${trimmed}`;
}

/** Rewrites one COPY/ADD instruction (continuations already joined), or returns it unchanged. */
export function rewriteCopyInstruction(instruction: string): string {
  const match = /^(\s*)(COPY|ADD)(\s+)(.*)$/is.exec(instruction);
  if (!match) return instruction;
  const [, indent = '', keyword = '', space = '', rest = ''] = match;
  // Sources in another stage or image, and heredocs, are not in the context.
  if (/--from[=\s]/i.test(rest) || rest.includes('<<')) return instruction;
  const flags: string[] = [];
  let args = rest.trim();
  for (let flag = /^--\S+\s+/.exec(args); flag; flag = /^--\S+\s+/.exec(args)) {
    flags.push(flag[0].trim());
    args = args.slice(flag[0].length);
  }
  let rewritten: string;
  if (args.startsWith('[')) {
    const list = JSON.parse(args) as string[];
    rewritten = JSON.stringify([...list.slice(0, -1).map(prefixSource), ...list.slice(-1)]);
  } else {
    const words = args.split(/\s+/);
    rewritten = [...words.slice(0, -1).map(prefixSource), ...words.slice(-1)].join(' ');
  }
  return `${indent}${keyword}${space}${[...flags, rewritten].join(' ')}`;
}

/**
 * The Dockerfile with `rewrite` applied to each instruction (continuation
 * lines joined into one); an instruction it returns unchanged keeps its
 * lines as written, and so do comment lines.
 */
export function rewriteInstructions(
  dockerfile: string,
  rewrite: (instruction: string) => string,
): string {
  const out: string[] = [];
  let raw: string[] = [];
  for (const line of dockerfile.split('\n')) {
    if (raw.length === 0 && /^\s*#/.test(line)) {
      out.push(line);
      continue;
    }
    raw.push(line);
    if (/\\\s*$/.test(line)) continue;
    const instruction = raw.map((l) => l.replace(/\\\s*$/, '')).join(' ');
    const rewritten = rewrite(instruction);
    out.push(...(rewritten === instruction ? raw : [rewritten]));
    raw = [];
  }
  out.push(...raw);
  return out.join('\n');
}

/** The Dockerfile as sent: every context COPY/ADD reads from `svc/`; other lines are kept as written. */
export function contextDockerfile(dockerfile: string): string {
  return rewriteInstructions(dockerfile, (instruction) =>
    /^\s*(COPY|ADD)\s/i.test(instruction) ? rewriteCopyInstruction(instruction) : instruction,
  );
}
