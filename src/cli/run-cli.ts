// The imgbench command line: parses, runs the command, and turns every error
// into one line and an exit code.
import { CommanderError } from '@commander-js/extra-typings';
import { DockerEngine } from '../engine/docker-engine.js';
import type { Engine } from '../engine/engine.js';
import { EngineError, errorMessage, ImgbenchError, UsageError } from '../errors.js';
import { redact } from '../report/redact.js';
import { BAD_INPUT, VARIANT_FAILED } from './commands/exit-codes.js';
import { createOutput } from './output.js';
import { createProgram } from './program.js';

/** Commander's codes for a run that showed what was asked (help, version): exit 0. */
const SHOWN = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Commander's own words for bad input, in imgbench's one line:
 * `error: unknown option '--bogus'\n(Did you mean --bail?)` →
 * `Unknown option '--bogus' (did you mean --bail?)`.
 */
function commanderLine(error: CommanderError): string {
  const [first = '', ...rest] = error.message.replace(/^error: /, '').split('\n');
  const more = rest
    .map((line) => line.trim().replace(/^\((.)/, (_, c: string) => `(${c.toLowerCase()}`))
    .filter(Boolean);
  return [`${first.charAt(0).toUpperCase()}${first.slice(1)}`.replace(/\.$/, ''), ...more].join(
    ' ',
  );
}

/** Where the command line writes, and the engine it reaches. */
export interface CliIo {
  stdout: Pick<NodeJS.WriteStream, 'write'>;
  stderr: Pick<NodeJS.WriteStream, 'write' | 'isTTY' | 'columns'>;
  env: NodeJS.ProcessEnv;
  connect: () => Promise<Engine>;
}

const PROCESS_IO: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  connect: () => DockerEngine.connect(),
};

/** `imgbench ARGV`: what it prints, and the exit code. */
export async function runCli(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  const debug = argv.includes('--debug');
  const output = createOutput(io.stderr, io.stdout, io.env, debug);
  const { program, exitCode } = createProgram({ output, connect: io.connect });
  // Which command's help to point at when commander refuses the input.
  let helpOf = 'imgbench --help';
  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      writeOut: (text) => output.result(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {
        helpOf = command === program ? 'imgbench --help' : `imgbench ${command.name()} --help`;
      },
    });
  }
  if (argv.length === 0) {
    output.result(program.helpInformation());
    return BAD_INPUT;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for with `imgbench help run` comes as `commander.help`, exit code 0.
      if (SHOWN.has(error.code) || (error.code === 'commander.help' && error.exitCode === 0)) {
        return 0;
      }
      const line =
        error.code === 'commander.unknownCommand'
          ? `Unknown command \`${argv.find((a) => !a.startsWith('-'))}\`; expected one of ${program.commands.map((c) => c.name()).join(', ')}`
          : commanderLine(error);
      io.stderr.write(`imgbench: ${line}; see \`${helpOf}\`\n`);
      return BAD_INPUT;
    }
    const usage = error instanceof UsageError || error instanceof EngineError;
    // One line: what was wrong, and the fix when there is one to name.
    const fix = error instanceof ImgbenchError && error.hint ? `; fix: ${error.hint}` : '';
    io.stderr.write(redact(`imgbench: ${errorMessage(error)}${fix}\n`));
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return usage ? BAD_INPUT : VARIANT_FAILED;
  }
}
