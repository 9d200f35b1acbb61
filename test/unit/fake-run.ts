// A run on the fake engine in a process of its own, for the signal tests:
// `node --import tsx test/unit/fake-run.ts OUT`. The push of scratch hangs,
// so the run sits in the isolated stage, with its registry and engine up,
// until a signal stops it.
import { runSuite } from '../../src/run/run-suite.js';
import { fakeEngineWithStandIns } from './fake-engine.js';

const [out = ''] = process.argv.slice(2);
const engine = fakeEngineWithStandIns({
  push: (variant) => (variant === 'scratch' ? { hang: true } : {}),
});
await runSuite(
  engine,
  {
    bases: 'offline',
    outDir: out,
    metrics: ['size', 'pull', 'startup'],
    variants: ['multi-stage', 'scratch'],
    repeat: 2,
  },
  {
    pullSite: engine.pullSite(),
    root: false,
    onEvent: (event) => {
      if (event.type === 'stage') process.stderr.write(`${event.message}\n`);
    },
  },
);
