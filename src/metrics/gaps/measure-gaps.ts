import type { Engine } from '../../engine/engine.js';
import { errorMessage, ImgbenchError } from '../../errors.js';
import { runtimeOptions } from '../../measure/container-runtime.js';
import type { ServiceSettings } from '../../service/service-settings.js';
import type { Timeouts } from '../../timeouts.js';
import { analyseImage, wantedForCapabilities } from './capabilities.js';
import { probeRuntime } from './runtime-probes.js';
import type { GapsResult } from './schema.js';

/**
 * The practical gaps of one built image: its files read through the build
 * engine (never run for that), then the service started once on the same
 * engine and asked what it finds. Not timed, so the build engine serves.
 */
export async function measureGaps(
  engine: Engine,
  image: string,
  binaryPath: string,
  labels: Record<string, string>,
  timeouts: Pick<Timeouts, 'start' | 'ready'>,
  /** How the service runs: port, ready check, arguments, environment. @default the sample's */
  service?: Pick<ServiceSettings, 'port' | 'ready' | 'args' | 'env'>,
): Promise<GapsResult> {
  const details = await engine.inspectImage(image);
  if (!details) throw new ImgbenchError('E_MEASURE', `Image \`${image}\` is not in the engine`);
  const files = await engine.scanImageFiles(image, wantedForCapabilities(binaryPath), labels);
  const result: GapsResult = { image: analyseImage(files, details.user, binaryPath) };
  try {
    const runtime = await probeRuntime(engine, image, runtimeOptions(timeouts, labels, service));
    if (runtime) result.runtime = runtime;
    else result.runtimeMissing = 'the service has no /probe routes (the sample service has them)';
  } catch (error) {
    // A service that cannot start is itself a gap (a dynamic binary on scratch).
    result.runtimeMissing = `the service did not get ready: ${errorMessage(error).split('\n')[0]}`;
  }
  return result;
}
