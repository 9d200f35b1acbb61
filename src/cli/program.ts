import { Command, type Option } from '@commander-js/extra-typings';
import type { Engine } from '../engine/engine.js';
import { DEFAULT_OUT_DIR } from '../metrics/run-options.js';
import { packageJson } from '../package-json.js';
import { checkOutDir } from '../run/out-dir.js';
import { basesCommand, declareBases } from './commands/bases.js';
import { claimsCommand, declareClaims } from './commands/claims.js';
import { cleanCommand, declareClean } from './commands/clean.js';
import { compareCommand, declareCompare } from './commands/compare.js';
import { declareDoctor, doctorCommand } from './commands/doctor.js';
import { ALL_PASSED, BAD_INPUT, BUDGET_BREACHED, VARIANT_FAILED } from './commands/exit-codes.js';
import { declareHistory, historyCommand } from './commands/history.js';
import { declareMerge, mergeCommand } from './commands/merge.js';
import { declareReport, reportCommand } from './commands/report.js';
import { declareRun, runCommand } from './commands/run.js';
import type { Output } from './output.js';

/** What the commands need from outside: where they write, and how the engine is reached. */
export interface ProgramContext {
  output: Output;
  /** Reached only by the commands that talk to the engine, after their input is checked. */
  connect: () => Promise<Engine>;
  /** Width the help is wrapped to. @default the terminal's, else 80 */
  helpWidth?: number;
}

export const EXIT_CODES = `Exit codes: ${ALL_PASSED} all passed; ${VARIANT_FAILED} a variant failed; ${BAD_INPUT} bad input; ${BUDGET_BREACHED} a budget was broken.`;

/**
 * An option's help with its default, also where the default is computed when
 * the command runs (`--metrics`: every metric) and only described here;
 * commander shows a default only when it has a value.
 */
function optionDescription(option: Option): string {
  const shown =
    option.defaultValueDescription ??
    (option.defaultValue === undefined || typeof option.defaultValue === 'boolean'
      ? undefined
      : String(option.defaultValue));
  return shown === undefined ? option.description : `${option.description} (default: ${shown})`;
}

/**
 * Every command and option of `imgbench`, declared once: the parser, the
 * `--help` of each command and docs/cli.md all come from here. An action
 * resolves with the command's exit code.
 */
export function createProgram(context: ProgramContext): {
  program: Command;
  exitCode: () => number;
} {
  const { output } = context;
  let code = ALL_PASSED;
  const done = (n: number) => {
    code = n;
  };
  const program = new Command('imgbench')
    .description('What each way of packaging a Go service into a container image really costs.')
    .version(packageJson().version, '-V, --version', 'print the version and exit')
    .option(
      '--debug',
      "print stack traces, and a machine's own error words where a line says them in words",
    )
    .helpCommand('help [command]', 'the help of a command')
    .addHelpText('after', `\n${EXIT_CODES}`);

  program.addCommand(
    declareRun()
      .addHelpText('after', `\n${EXIT_CODES}`)
      .action(async (values) => {
        // Before the engine is reached or a base resolved: a run with nowhere to write is bad input.
        await checkOutDir(values.out ?? DEFAULT_OUT_DIR);
        done(await runCommand(context.connect, values, output));
      }),
  );
  program.addCommand(
    declareBases().action(async (values) =>
      done(await basesCommand(await context.connect(), values, output)),
    ),
  );
  program.addCommand(
    declareDoctor().action(async (values) => done(await doctorCommand(values, output))),
  );
  program.addCommand(
    declareClean().action(async (values) =>
      done(await cleanCommand(await context.connect(), values, output)),
    ),
  );
  program.addCommand(
    declareReport().action(async (run, values) => done(await reportCommand(run, values, output))),
  );
  program.addCommand(
    declareCompare().action(async (base, head, values) =>
      done(
        await compareCommand(
          [base, head].filter((p): p is string => p !== undefined),
          values,
          output,
        ),
      ),
    ),
  );
  program.addCommand(
    declareMerge().action(async (runs, values) => done(await mergeCommand(runs, values, output))),
  );
  program.addCommand(
    declareHistory().action(async (dir, values) => done(await historyCommand(dir, values, output))),
  );
  program.addCommand(
    declareClaims().action(async (run, values) => done(await claimsCommand(run, values, output))),
  );

  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    command.configureHelp({
      showGlobalOptions: true,
      optionDescription,
      ...(context.helpWidth ? { helpWidth: context.helpWidth } : {}),
    });
  }
  return { program: program as unknown as Command, exitCode: () => code };
}
