import { variantRows } from '../metrics/cells.js';
import type { Align, Column, TablePart, VariantRow } from '../metrics/metric.js';
import { metricList } from '../metrics/registry.js';
import type { RunResult } from '../metrics/run-result.js';

/** A table as the writers render it: its column heads, text cells and the note under it. */
export interface RenderedTable {
  columns: ReadonlyArray<{ header: string; align: Align }>;
  rows: string[][];
  note: string;
  /** The metrics whose figures it holds (`size`, `gaps`): where a claim's evidence points. */
  metrics?: readonly string[];
}

/** Renders declared columns over rows: every writer's table comes from here. */
export function tableOf<Row>(
  columns: ReadonlyArray<Column<Row>>,
  rows: readonly Row[],
  note = '',
): RenderedTable {
  return {
    columns: columns.map(({ header, align }) => ({ header, align })),
    rows: rows.map((row) => columns.map((c) => c.cell(row))),
    note,
  };
}

const VARIANT_COLUMN: Column<VariantRow> = {
  header: 'Variant',
  align: 'left',
  cell: ({ variant }) => variant.name,
};

/**
 * The report's tables, from the metrics' table parts in registry order: one
 * per table id, a row per variant any of its metrics takes, the Variant
 * column then each metric's columns. The first (size) is always there; the
 * others only when some variant has their figures. Then the run's own
 * tables (the flags builds'), when it has their figures.
 */
export function reportTables(run: RunResult): RenderedTable[] {
  const groups = new Map<string, Array<{ metric: string; part: TablePart }>>();
  for (const m of metricList()) {
    if (!m.table) continue;
    groups.set(m.table.table, [
      ...(groups.get(m.table.table) ?? []),
      { metric: m.name, part: m.table },
    ]);
  }
  const all = variantRows(run);
  const variantTables = [...groups.values()].flatMap((group, index) => {
    const parts = group.map((g) => g.part);
    const rows = all.filter((row) => parts.some((p) => p.includes(row)));
    if (index > 0 && rows.length === 0) return [];
    const columns = [VARIANT_COLUMN, ...parts.flatMap((p) => p.columns(run))];
    const note = parts
      .map((p) => p.note(run))
      .filter(Boolean)
      .join(' ');
    return [{ ...tableOf(columns, rows, note), metrics: group.map((g) => g.metric) }];
  });
  const runTables = metricList().flatMap((m) => {
    const rows = m.runTable?.rows(run) ?? [];
    return m.runTable && rows.length
      ? [{ columns: m.runTable.columns, rows, note: m.runTable.note(run), metrics: [m.name] }]
      : [];
  });
  return [...variantTables, ...runTables];
}
