// The imgbench command line: parses, runs the command, and turns every error
// into one line and an exit code. Loaded by main.ts once the Node.js version is known to do.
import { CommanderError } from '@commander-js/extra-typings';
import { DockerEngine } from '../engine/docker-engine.js';
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

async function main(argv: string[]): Promise<number> {
  const output = createOutput();
  const debug = argv.includes('--debug');
  const { program, exitCode } = createProgram({ output, connect: () => DockerEngine.connect() });
  // Which command's help to point at when commander refuses the input.
  let helpOf = 'imgbench --help';
  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      writeOut: (text) => output.result(text),
      writeErr: (text) => process.stderr.write(text),
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
      process.stderr.write(`imgbench: ${line}; see \`${helpOf}\`\n`);
      return BAD_INPUT;
    }
    const usage = error instanceof UsageError || error instanceof EngineError;
    // One line: what was wrong, and the fix when there is one to name.
    const fix = error instanceof ImgbenchError && error.hint ? `; fix: ${error.hint}` : '';
    process.stderr.write(redact(`imgbench: ${errorMessage(error)}${fix}\n`));
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return usage ? BAD_INPUT : VARIANT_FAILED;
  }
}

// A reader that goes away (`imgbench doctor | head -2`) ends the output, not the program with a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
