import { z } from 'zod';
import { appended, runOption, wholeNumber } from '../validation/run-option.js';
import {
  DEFAULT_LOAD_CONCURRENCY,
  DEFAULT_LOAD_REQUESTS,
  DEFAULT_READY_PATH,
  DEFAULT_SERVICE_PORT,
  SAMPLE_LOAD_PATH,
  type ServiceSettingsInput,
} from './service-settings.js';

const givenText = z.string().optional();
const givenTexts = z.array(z.string()).readonly().optional();
const givenWhole = z.number().int().optional();

/**
 * How the service runs in its container, as `imgbench run` takes it: each
 * option declared once (flag, help, parsing). A config file's `service`
 * section gives the same settings; normalizeServiceSettings checks both and
 * fills in the defaults.
 */
export const SERVICE_OPTIONS = {
  port: runOption({
    flags: '--port <n>',
    description:
      'the port the service listens on inside the container; left out, found by starting the first image built',
    defaultHelp: `${DEFAULT_SERVICE_PORT} for the sample`,
    parse: wholeNumber('--port', 'a TCP port from 1 to 65535'),
    expected: 'a TCP port from 1 to 65535',
    schema: givenWhole,
  }),
  ready: runOption({
    flags: '--ready <path|tcp>',
    description:
      'when the service is ready: the first HTTP 200 of this path, or tcp for "the port accepts a connection"; left out, found with the port',
    defaultHelp: `${DEFAULT_READY_PATH} for the sample`,
    expected: 'an HTTP path or tcp',
    schema: givenText,
  }),
  args: runOption({
    flags: '--arg <arg>',
    description: "an argument for the service, after the image's command (repeat it)",
    defaultHelp: 'none',
    collect: appended,
    expected: 'an argument',
    schema: givenTexts,
  }),
  env: runOption({
    flags: '--env <NAME=VALUE>',
    description:
      "a variable for the service's environment (repeat it); results keep its name, never its value",
    defaultHelp: 'none',
    collect: appended,
    expected: 'NAME=VALUE',
    schema: givenTexts,
  }),
  loadPath: runOption({
    flags: '--load <path>',
    description: "the path the memory metric's load asks for",
    defaultHelp: `${SAMPLE_LOAD_PATH} for the sample service, the ready path for any other`,
    expected: 'an HTTP path',
    schema: givenText,
  }),
  loadRequests: runOption({
    flags: '--load-requests <n>',
    description: 'GETs the memory load sends',
    defaultHelp: String(DEFAULT_LOAD_REQUESTS),
    parse: wholeNumber('--load-requests', 'a whole number'),
    expected: 'a whole number',
    schema: givenWhole,
  }),
  loadConcurrency: runOption({
    flags: '--load-concurrency <n>',
    description: 'connections the memory load sends them on',
    defaultHelp: String(DEFAULT_LOAD_CONCURRENCY),
    parse: wholeNumber('--load-concurrency', 'a whole number'),
    expected: 'a whole number',
    schema: givenWhole,
  }),
};

type Given = Partial<{
  [K in keyof typeof SERVICE_OPTIONS]: z.output<(typeof SERVICE_OPTIONS)[K]['schema']>;
}>;

/** The settings given as options over those of a config file's `service` section, setting by setting. */
export function serviceInput(
  given: Given,
  fromConfig: ServiceSettingsInput | undefined,
): ServiceSettingsInput {
  const { loadPath, loadRequests, loadConcurrency, ...direct } = given;
  const load = {
    ...fromConfig?.load,
    ...(loadPath !== undefined ? { path: loadPath } : {}),
    ...(loadRequests !== undefined ? { requests: loadRequests } : {}),
    ...(loadConcurrency !== undefined ? { concurrency: loadConcurrency } : {}),
  };
  return {
    ...fromConfig,
    ...Object.fromEntries(Object.entries(direct).filter(([, value]) => value !== undefined)),
    ...(Object.keys(load).length > 0 ? { load } : {}),
  };
}
