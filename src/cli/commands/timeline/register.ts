/** Registers `llmc-sim timeline` (its body loads only when it runs). */
import { Command, Option } from 'commander';
import { parseIntOption } from '../../errors.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

export function registerTimeline(program: Command): void {
  program
    .command('timeline')
    .description('draw when each modifier of a recipe (or a recorded run) is active: ASCII, SVG or an HTML report')
    .argument('<source>', "a recipe file (simulated like 'run'), a journal from 'run --log' (.llog), or an NDJSON record file from 'run --records'")
    .addOption(new Option('--format <format>', 'ascii (terminal), svg, or html (report with a step slider); default from -o, else ascii').choices(['ascii', 'svg', 'html']))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--epochs <n>', 'epochs to simulate', parseIntOption('--epochs', 0), 3)
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch', parseIntOption('--steps-per-epoch', 1), 4)
    .option('--batches-per-step <n>', 'micro-batches per optimizer step', parseIntOption('--batches-per-step', 1), 1)
    .option('--seed <n>', 'seed of the synthetic model', parseIntOption('--seed', 0), 0)
    .option('--model <path>', 'a llama2.c .bin or safetensors model; default: the built-in synthetic model')
    .option('--columns <n>', 'width of the ASCII timeline; default: the terminal width', parseIntOption('--columns', 40))
    .addOption(new Option('--fidelity <mode>', "'default' fixes LLM Compressor's lifecycle quirks; 'reference' reproduces them").choices(['default', 'reference']).default('default'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ llmc-sim timeline examples/training.yaml\n  $ llmc-sim timeline examples/training.yaml --epochs 10 --steps-per-epoch 50 -o out/report.html\n  $ llmc-sim timeline examples/training.yaml --format svg -o out/timeline.svg\n  $ llmc-sim run --log out/run.llog && llmc-sim timeline out/run.llog -o out/report.html\n  $ llmc-sim run --records out/run.ndjson && llmc-sim timeline out/run.ndjson',
    )
    .action(async (source: string, opts) => {
      const { timeline } = await import('./index.ts');
      await timeline(source, { ...opts, columns: opts.columns ?? process.stdout.columns }, out);
    });
}
