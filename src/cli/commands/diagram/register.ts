/** Registers `llmc-sim diagram` (its body loads only when it runs). */
import { Argument, Command, Option } from 'commander';

const out = (line: string) => process.stdout.write(`${line}\n`);

export function registerDiagram(program: Command): void {
  program
    .command('diagram')
    .description('draw a lifecycle machine from its own definition: states, and transitions with their event, guard and actions')
    .addArgument(new Argument('[machine]', "'modifier' (a modifier's phases) or 'order' (the event-order rule)").choices(['modifier', 'order']).default('modifier'))
    .addOption(new Option('--format <format>', 'mermaid, dot (Graphviz) or svg (laid out by Graphviz)').choices(['mermaid', 'dot', 'svg']).default('mermaid'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .addHelpText('after', '\nExamples:\n  $ llmc-sim diagram\n  $ llmc-sim diagram order --format dot\n  $ llmc-sim diagram modifier --format svg -o out/modifier.svg')
    .action(async (machine: 'modifier' | 'order', opts) => {
      const { diagram } = await import('./index.ts');
      await diagram(machine, opts, out);
    });
}
