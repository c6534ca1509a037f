/** `llmc-sim algorithms`: registration only (the work is imported when the command runs). */
import type { Command } from 'commander';
import { intArg, repeatable } from '../../args.ts';
import { ALGORITHMS_BOUNDS } from '../../bounds.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
export function registerAlgorithms(program: Command): void {
  program
    .command('algorithms')
    .description("compare the calibration algorithms on a model: RTN, GPTQ and AWQ at W4, W8A8 with and without SmoothQuant, SparseGPT and Wanda at 2:4, FP8, NVFP4, MXFP4 (logit MSE, KL, perplexity)")
    .option('--model <model>', "'synthetic' (built-in), 'stories260K' (shipped in models/) or a .bin / safetensors path", 'synthetic')
    .option('--row <label>', 'run only this row (repeatable; see --list-rows)', repeatable, [] as string[])
    .option('--list-rows', 'list the rows and the recipe each runs, and exit')
    .option('--samples <n>', 'evaluation sequences sampled from the float model', intArg('--samples', ALGORITHMS_BOUNDS.samples), 8)
    .option('--calibration-samples <n>', 'calibration sequences (sampled with seed + 1)', intArg('--calibration-samples', ALGORITHMS_BOUNDS.calibrationSamples), 8)
    .option('--length <n>', 'tokens per sampled sequence', intArg('--length', ALGORITHMS_BOUNDS.length), 48)
    .option('--seed <n>', 'seed of the sampling', intArg('--seed', ALGORITHMS_BOUNDS.seed), 0)
    .option('--json', 'print the table as one JSON object')
    .option('-q, --quiet', 'no progress bar on stderr')
    .addHelpText('after', "\nExamples:\n  $ llmc-sim algorithms\n  $ llmc-sim algorithms --model stories260K\n  $ llmc-sim algorithms --row 'RTN W4 (channel)' --row 'GPTQ W4 (channel)' --json")
    .action(async (opts) => {
      const { algorithms } = await import('./index.ts');
      await algorithms(opts, out, (line) => process.stderr.write(`${line}\n`));
    });
}
