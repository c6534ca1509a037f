/** `llmc-sim diff` on the command line; the command's code is imported when it runs. */
import type { Command } from 'commander';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two journals: header, first differing call or effect, summary')
    .argument('<a>', 'journal')
    .argument('<b>', 'journal')
    .option('--json', 'print the comparison as one JSON object')
    .addHelpText('after', '\nExit: 0 same run, 1 different, 2 unreadable.\n\nExamples:\n  $ llmc-sim run --log a.llog --seed 1\n  $ llmc-sim run --log b.llog --seed 2\n  $ llmc-sim diff a.llog b.llog')
    .action(async (a: string, b: string, opts: { json?: boolean }) => {
      const { diff } = await import('./index.ts');
      diff(a, b, opts);
    });
}
