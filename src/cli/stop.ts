/**
 * How the llmc-sim process ends when the world goes away: SIGINT/SIGTERM/SIGHUP remove the temporary
 * files of writes in progress (src/io keeps the old file in place) and exit with 128 + the signal's
 * number, keeping every file already completed; a closed stdout (`llmc-sim … | head`) ends the process
 * quietly, exit 0, without a stack trace. Installed only when main.ts runs as the program.
 */
import { constants } from 'node:os';
import { removePendingTemps } from '../io/index.ts';

export function installProcessHandlers(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      const removed = removePendingTemps();
      const note = removed ? `; ${removed} unfinished file(s) not written, their targets unchanged` : '';
      process.stderr.write(`\nllmc-sim: stopped by ${signal}; completed files are kept${note}\n`);
      process.exit(128 + constants.signals[signal]);
    });
  }
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    removePendingTemps();
    process.exit(0);
  });
  process.stderr.on('error', () => {
    /* nowhere left to report to */
  });
}
