import { sizeBasisOf } from '../measure/image-size.js';
import { figuresOf, type RunResult, SCHEMA_VERSION } from '../metrics/run-result.js';

/**
 * Why a kept run is older than the code that shows it, in words; empty when
 * it is not. The README's demo table and docs/results.md are a newcomer's
 * first figures: a run whose sizes are another basis, or that was sampled
 * before runs decided their questions, would disagree with what they see.
 */
export function keptRunAge(run: RunResult): string[] {
  const problems: string[] = [];
  if (run.schemaVersion < SCHEMA_VERSION) {
    problems.push(`its schema is version ${run.schemaVersion}, the code's ${SCHEMA_VERSION}`);
  }
  const engineSized = run.variants.filter((v) => {
    const size = figuresOf(v).size;
    return size && sizeBasisOf(size) !== 'layer-tars';
  });
  if (engineSized.length > 0) {
    problems.push(
      `its image sizes are the engine's own figure, not the sum of the layer tars the code measures (${engineSized.map((v) => v.name).join(', ')})`,
    );
  }
  if (!run.settings?.decision || !run.sampling) {
    problems.push(
      'it was sampled before runs decided their questions (no decision rule or sampling recorded)',
    );
  }
  if (!run.variants.some((v) => figuresOf(v).gaps)) {
    problems.push('it has no gaps figures, so no recommendation of which variant to ship');
  }
  return problems;
}
