import type { RunResult } from '../types.js';
import { BUILD_COLUMNS, buildNote, buildRows, hasBuildFigures } from './build-table.js';
import { GAPS_COLUMNS, gapsNote, gapsRows, hasGapsFigures } from './gaps-table.js';
import { hasPullFigures, pullColumns, pullNote, pullRows } from './pull-table.js';
import { hasRuntimeFigures, RUNTIME_COLUMNS, runtimeNote, runtimeRows } from './runtime-table.js';

/** One table of a report: its columns, rows, which columns are text (left-aligned), and what it means. */
export interface ReportSection {
  columns: readonly string[];
  rows: string[][];
  left: ReadonlySet<number>;
  note: string;
}

/** The tables after the size table, for the metrics the run has figures of. */
export function metricSections(run: RunResult): ReportSection[] {
  const sections: ReportSection[] = [];
  if (hasGapsFigures(run)) {
    sections.push({
      columns: GAPS_COLUMNS,
      rows: gapsRows(run),
      left: new Set(GAPS_COLUMNS.map((_, i) => i).filter((i) => i !== 7 && i !== 8)),
      note: gapsNote(run),
    });
  }
  if (hasBuildFigures(run)) {
    sections.push({
      columns: BUILD_COLUMNS,
      rows: buildRows(run),
      left: new Set([0, 5]),
      note: buildNote(run),
    });
  }
  if (hasPullFigures(run)) {
    sections.push({
      columns: pullColumns(run),
      rows: pullRows(run),
      left: new Set([0]),
      note: pullNote(run),
    });
  }
  if (hasRuntimeFigures(run)) {
    sections.push({
      columns: RUNTIME_COLUMNS,
      rows: runtimeRows(run),
      left: new Set([0]),
      note: runtimeNote(run),
    });
  }
  return sections;
}
