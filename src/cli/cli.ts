// The imgbench program: runs the command line on this process's streams.
// Loaded by main.ts once the Node.js version is known to do.
import { runCli } from './run-cli.js';

// A reader that goes away (`imgbench doctor | head -2`) ends the output, not the program with a stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2));
