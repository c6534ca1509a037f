/** `llmc-sim replay` on the command line; the command's code is imported when it runs. */
import type { Command } from 'commander';
import { parseIntOption } from '../../errors.ts';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description("re-execute a journal (run --log, oneshot --log) and check every effect and model hash; --to N shows the state after call N")
    .argument('<journal>', 'a journal written by `llmc-sim run --log` or `llmc-sim oneshot --log`')
    .option('--model <path>', 'the model file or shipped model name (stories260K), where the journal was recorded with one; a shipped model the header names is loaded by itself')
    .option('--json', 'print the result as one JSON object')
    .option('--to <n>', 'print the state after call N (modifier phases and flags, order state, step, model statistics, effects); starts from the snapshot cache FILE.snap when it can and adds to it', parseIntOption('--to', 1))
    .option('--no-snapshot', "with --to: neither use nor write the snapshot cache FILE.snap (a replay from the start)")
    .option('--recover', 'replay the intact prefix of a damaged journal and say how many records were dropped')
    .addHelpText('after', '\nExit: 0 matches, 1 diverged, 2 damaged or unusable journal.\n\nExamples:\n  $ llmc-sim run --log run.llog\n  $ llmc-sim replay run.llog\n  $ llmc-sim replay run.llog --to 30\n  $ llmc-sim replay run.llog --recover')
    .action(async (file: string, opts: { model?: string; json?: boolean; to?: number; recover?: boolean; snapshot?: boolean }) => {
      const { replay } = await import('./index.ts');
      await replay(file, opts);
    });
}
