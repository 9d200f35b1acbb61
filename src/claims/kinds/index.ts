import { difference } from './difference.js';
import { linkage } from './linkage.js';
import { notMeasurable } from './not-measurable.js';
import { order } from './order.js';
import { overhead } from './overhead.js';
import { range } from './range.js';
import { ratio } from './ratio.js';
import { reduction } from './reduction.js';

/** The check kinds that read any metric's figures by name, or none. */
export const FIGURE_CHECKS = [
  notMeasurable,
  order,
  ratio,
  reduction,
  difference,
  range,
  overhead,
  linkage,
];
