import type { VariantResult } from '../types.js';
import { figuresOf } from '../types.js';
import type { Figure, FigureDefinition } from './metric.js';
import { metricList } from './registry.js';

export type { Figure } from './metric.js';

const definitions = (): FigureDefinition[] => metricList().flatMap((m) => m.figures ?? []);

/**
 * Names of the figures compare, budgets, claims and history know, in
 * registry order; `pull <link>` takes a link such as `unlimited` or `100mbit`.
 */
export const FIGURE_NAMES: readonly string[] = definitions().map((d) => d.name);

/** Whether `name` is a figure: one of FIGURE_NAMES, or a member of a family (`pull 100mbit`). */
export function isFigureName(name: string): boolean {
  return definitions().some((d) => (d.matches ? d.matches.test(name) : d.name === name));
}

/** The unit of a figure name. */
export function figureUnit(name: string): Figure['unit'] | undefined {
  return definitions().find((d) => (d.matches ? d.matches.test(name) : d.name === name))?.unit;
}

/** Every figure a variant has, by name (see FIGURE_NAMES); the same names in every run. */
export function figuresByName(v: VariantResult): Map<string, Figure> {
  const f = figuresOf(v);
  return new Map(definitions().flatMap((d) => d.read(f)));
}
