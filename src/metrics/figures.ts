import type { Figure, FigureDefinition } from './metric.js';
import { metricList } from './registry.js';
import type { VariantResult } from './run-result.js';
import { figuresOf } from './run-result.js';

export type { Figure } from './metric.js';

/** Every metric's figure definitions, in registry order. */
export const FIGURE_DEFINITIONS: readonly FigureDefinition[] = metricList().flatMap(
  (m) => m.figures ?? [],
);

/** The metric that measures a figure (`startup start→ready` → `startup`). */
export const metricOfFigure = (name: string): string | undefined => figureDefinition(name)?.metric;

/**
 * Names of the figures compare, budgets, claims and history know, in
 * registry order; `pull <link>` takes a link such as `unlimited` or `100mbit`.
 */
export const FIGURE_NAMES: readonly string[] = FIGURE_DEFINITIONS.map((d) => d.name);

/** Whether `name` is a figure: one of FIGURE_NAMES, or a member of a family (`pull 100mbit`). */
export function isFigureName(name: string): boolean {
  return figureDefinition(name) !== undefined;
}

/** The definition of a figure or of the family it belongs to (`pull 100mbit` → `pull <link>`). */
export function figureDefinition(name: string): FigureDefinition | undefined {
  return FIGURE_DEFINITIONS.find((d) => (d.matches ? d.matches.test(name) : d.name === name));
}

/** Every figure a variant has, by name (see FIGURE_NAMES); the same names in every run. */
export function figuresByName(v: VariantResult): Map<string, Figure> {
  const f = figuresOf(v);
  return new Map(FIGURE_DEFINITIONS.flatMap((d) => d.read(f)));
}
