/** `llmc-sim tour`: the command that `npm start` runs. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseIntOption } from '../../errors.ts';

/** A whole number in [min, max], or commander's usage error (exit 2). */
function intOption(option: string, min: number, max: number) {
  const parse = parseIntOption(option, min);
  return (text: string) => {
    let n: number;
    try {
      n = parse(text);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
    if (n > max) throw new InvalidArgumentError(`${option} must be at most ${max}`);
    return n;
  };
}

export function registerTour(program: Command): void {
  program
    .command('tour')
    .description('the whole product on the built-in synthetic model: train with gradual pruning (journaled), replay, verify, compress one-shot, draw the report')
    .argument('[recipe]', "a recipe with a 'sparsity_stage' (training) and a 'quant_stage' (one-shot); default examples/tour.yaml")
    .option('-o, --out <dir>', 'where the journal and the HTML report go', 'out')
    .option('--seed <n>', 'seed of the model, the simulated optimizer and the sampling', intOption('--seed', 0, 2 ** 31 - 1), 0)
    .option('--epochs <n>', 'simulated training epochs', intOption('--epochs', 1, 1000), 3)
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch', intOption('--steps-per-epoch', 1, 10000), 4)
    .addOption(new Option('--fidelity <mode>', "'default' fixes LLM Compressor's lifecycle quirks; 'reference' reproduces them").choices(['default', 'reference']).default('default'))
    .addHelpText('after', '\nExamples:\n  $ llmc-sim tour\n  $ llmc-sim tour --out /tmp/tour --epochs 4\n  $ llmc-sim tour my-recipe.yaml')
    .action(async (recipe: string | undefined, opts) => {
      const { tour } = await import('./index.ts');
      await tour({ ...opts, recipe, columns: process.stdout.columns }, (line) => process.stdout.write(`${line}\n`));
    });
}
