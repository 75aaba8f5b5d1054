// The `twofold` command's entry point (bin/twofold.js runs the build of this file).
import { processIo } from './io.js';
import { runCli } from './run.js';

// `twofold audit tail | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await runCli(process.argv.slice(2), processIo());
