/** `llmc-sim tour`: the command that `npm start` runs. */
import { Option, type Command } from 'commander';
import { intArg } from '../../args.ts';
import { RUN_BOUNDS } from '../../bounds.ts';

export function registerTour(program: Command): void {
  program
    .command('tour')
    .description('the whole product on the built-in synthetic model: train with gradual pruning (journaled), replay, verify, compress one-shot (journaled from the trained model), draw the report')
    .argument('[recipe]', "a recipe with a 'sparsity_stage' (training) and a 'quant_stage' (one-shot); default examples/tour.yaml")
    .option('-o, --out <dir>', 'where the journals (run.llog, oneshot.llog) and the HTML report go', 'out')
    .option('--seed <n>', 'seed of the model, the simulated optimizer and the sampling', intArg('--seed', RUN_BOUNDS.seed), 0)
    .option('--epochs <n>', 'simulated training epochs', intArg('--epochs', { min: 1, max: 1000, why: 'each epoch runs every step of the simulated training' }), 3)
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch', intArg('--steps-per-epoch', { min: 1, max: 10000, why: 'the tour is a short demonstration' }), 4)
    .addOption(new Option('--fidelity <mode>', "'default' fixes LLM Compressor's lifecycle quirks; 'reference' reproduces them").choices(['default', 'reference']).default('default'))
    .addHelpText('after', '\nExamples:\n  $ llmc-sim tour\n  $ llmc-sim tour --out /tmp/tour --epochs 4\n  $ llmc-sim tour my-recipe.yaml')
    .action(async (recipe: string | undefined, opts) => {
      const { tour } = await import('./index.ts');
      await tour({ ...opts, recipe, columns: process.stdout.columns }, (line) => process.stdout.write(`${line}\n`));
    });
}
