/** `llmc-sim log` on the command line; the command's code is imported when it runs. */
import type { Command } from 'commander';

export function registerLog(program: Command): void {
  const log = program.command('log').description('inspect a journal');
  log
    .command('show')
    .description('print a journal: header and calls, or with --ndjson every record as records$ JSON Lines')
    .argument('<journal>', 'a journal written by `llmc-sim run --log`')
    .option('--ndjson', 'the full re-derived record stream (calls and effects), one JSON object per line')
    .option('--recover', 'show the intact prefix of a damaged journal')
    .addHelpText('after', '\nExamples:\n  $ llmc-sim log show run.llog\n  $ llmc-sim log show run.llog --ndjson | grep effect.transition')
    .action(async (file: string, opts: { ndjson?: boolean; recover?: boolean }) => {
      const { logShow } = await import('./index.ts');
      logShow(file, opts);
    });
}
