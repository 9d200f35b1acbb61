import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { firstProblem } from '../validation/messages.js';
import { type ArticleClaims, articleClaimsSchema } from './schema.js';

/** The folder of claim files, one per article. */
export const claimsDir = (): string => join(packageRoot(), 'bench', 'claims');

let packaged: ArticleClaims[] | undefined;

/**
 * Every article's claims, in file order. The package's own are read once per
 * process: every report written during a run judges them again.
 */
export function loadClaims(dir?: string): ArticleClaims[] {
  if (dir === undefined) {
    packaged ??= readClaims(claimsDir());
    return packaged;
  }
  return readClaims(dir);
}

function readClaims(dir: string): ArticleClaims[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file) => {
    const path = join(dir, file);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `Invalid claims file \`${path}\`: not JSON (${(error as Error).message.split('\n')[0]})`,
      );
    }
    const parsed = articleClaimsSchema.safeParse(value);
    if (!parsed.success) {
      throw new UsageError(`Invalid claims file \`${path}\`: ${firstProblem(parsed.error)}`);
    }
    return parsed.data;
  });
}
