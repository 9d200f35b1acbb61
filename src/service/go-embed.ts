import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Folders no package of the service's own build lives in. */
const SKIPPED = new Set(['vendor', 'testdata', 'node_modules']);

/** One `//go:embed` pattern and the folder (relative to the service, posix) of the file it is in. */
export interface EmbedPattern {
  folder: string;
  pattern: string;
}

/** The patterns of one `//go:embed` line: space-separated, quoted with "" or `` when they hold spaces. */
export function embedPatterns(line: string): string[] {
  const rest = line.replace(/^\s*\/\/go:embed\s+/, '');
  const patterns: string[] = [];
  for (const match of rest.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g)) {
    patterns.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return patterns.filter(Boolean).map((p) => p.replace(/^all:/, ''));
}

/** What the service's Go files embed. Test files and vendor/ are not part of its own build. */
export async function embeddedPatterns(serviceDir: string): Promise<EmbedPattern[]> {
  const found: EmbedPattern[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) await walk(path);
        continue;
      }
      if (!entry.name.endsWith('.go') || entry.name.endsWith('_test.go')) continue;
      const text = await readFile(path, 'utf8');
      if (!text.includes('//go:embed')) continue;
      const folder = relative(serviceDir, dir).split(sep).join('/') || '.';
      for (const line of text.split('\n')) {
        if (!/^\s*\/\/go:embed\s/.test(line)) continue;
        for (const pattern of embedPatterns(line)) found.push({ folder, pattern });
      }
    }
  };
  await walk(serviceDir);
  return found;
}

/** One segment of a Go `path.Match` pattern as a regular expression (`*` and `?` stay within a segment). */
function segmentRegex(segment: string): RegExp {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += `[${segment
          .slice(i + 1, end)
          .replace(/^\^/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < segment.length) out += `\\${segment[++i]}`;
    else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * Whether `rel` (a path in the service, posix) must stay in the build
 * context for an embed: it matches a pattern, lies in a folder that matches
 * one (a folder embeds its files), or is a folder on the way to what one can
 * match (so that the walk descends into it; its other entries are still
 * filtered).
 */
export function keptForEmbed(rel: string, patterns: readonly EmbedPattern[]): boolean {
  const segments = rel.split('/');
  return patterns.some(({ folder, pattern }) => {
    const base = folder === '.' ? [] : folder.split('/');
    if (base.length >= segments.length) {
      // `rel` is the embedding file's folder or on the way to it.
      return base.slice(0, segments.length).join('/') === rel;
    }
    if (base.join('/') !== segments.slice(0, base.length).join('/')) return false;
    const inside = segments.slice(base.length);
    const wanted = pattern.split('/');
    const compared = Math.min(inside.length, wanted.length);
    for (let i = 0; i < compared; i++) {
      if (!segmentRegex(wanted[i] as string).test(inside[i] as string)) return false;
    }
    return true;
  });
}
