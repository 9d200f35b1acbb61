import type { SampleStatistics } from '../measure/statistics.js';
import { figuresOf, type PullResult, type RunResult } from '../types.js';
import { formatDuration, formatMB, formatRatio } from './format.js';

const seconds = (s: SampleStatistics) => `${(s.p50 / 1000).toFixed(2)} s`;
const rme = (s: SampleStatistics) => (Number.isFinite(s.rme) ? `${s.rme.toFixed(1)} %` : '–');

function pulls(run: RunResult): Array<[string, PullResult]> {
  return run.variants.flatMap((v) => {
    const pull = figuresOf(v).pull;
    return pull ? [[v.name, pull] as [string, PullResult]] : [];
  });
}

/** Links in the order the run timed them. */
function linkNames(run: RunResult): string[] {
  const names: string[] = [];
  for (const [, pull] of pulls(run)) {
    for (const l of pull.links) if (!names.includes(l.link)) names.push(l.link);
  }
  return names;
}

export function hasPullFigures(run: RunResult): boolean {
  return pulls(run).length > 0;
}

/**
 * Variant, compressed size, push, then per link: median and rme, and for
 * shaped links the transfer's median (the rest is extraction), the bound and
 * the whole pull's ratio to it.
 */
export function pullColumns(run: RunResult): string[] {
  const columns = ['Variant', 'Compressed', '× smaller than golang', 'Push'];
  for (const [, pull] of pulls(run).slice(0, 1)) {
    for (const l of pull.links) {
      columns.push(`Pull ${l.link} p50`, '± rme');
      if (l.boundMs !== undefined) columns.push('transfer p50', `${l.link} bound`, '÷ bound');
    }
  }
  return columns;
}

export function pullRows(run: RunResult): string[][] {
  const all = pulls(run);
  const golang = all.find(([name]) => name === 'golang')?.[1];
  const links = linkNames(run);
  return all.map(([name, pull]) => {
    const row = [
      name,
      formatMB(pull.compressedBytes),
      golang ? formatRatio(golang.compressedBytes, pull.compressedBytes) : '–',
      formatDuration(pull.pushMs),
    ];
    for (const link of links) {
      const l = pull.links.find((x) => x.link === link);
      row.push(l ? seconds(l.durationMs) : '–', l ? rme(l.durationMs) : '–');
      if (l?.boundMs !== undefined) {
        row.push(
          seconds(l.transferMs),
          `${(l.boundMs / 1000).toFixed(2)} s`,
          `${(l.boundRatio ?? 0).toFixed(2)}×`,
        );
      }
    }
    return row;
  });
}

export function pullNote(run: RunResult): string {
  const first = pulls(run)[0]?.[1];
  if (!first) return '';
  const n = first.links[0]?.durationMs.n ?? 0;
  const storage = first.storage === 'memory' ? 'on a tmpfs' : 'on the disk';
  return `Pulls: compressed = config + layer blobs from the registry's manifest, the bytes a pull transfers. Each of ${n} samples per variant and link is a cold pull (request → image ready, as \`time docker pull\`) from the run's registry on 127.0.0.1 into a second dockerd (${first.maxConcurrentDownloads} parallel download${first.maxConcurrentDownloads === 1 ? '' : 's'}, data root ${storage}) emptied before every sample; shaped links limit the registry's traffic with tc (htb); transfer = request → last layer downloaded, the rest is extraction; bound = compressed bytes ÷ link rate.`;
}
