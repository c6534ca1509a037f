#!/usr/bin/env node
/**
 * The `llmc-sim` command. The only place that reads process.argv, writes stdout and sets exit
 * codes. Each command lives in commands/<name>/ and is imported when it runs.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitError, UsageError } from './errors.ts';
import { intArg, pathArg } from './args.ts';
import { QUANTIZE_BOUNDS, RUN_BOUNDS } from './bounds.ts';
import { installProcessHandlers } from './stop.ts';
export { installProcessHandlers };
import { backendSetting } from '../tensor/backend.ts';
import { ValueError, RuntimeError } from '../core/errors.ts';
import { registerReplay } from './commands/replay/register.ts';
import { registerDiff } from './commands/diff/register.ts';
import { registerLog } from './commands/log/register.ts';
import { registerTimeline } from './commands/timeline/register.ts';
import { registerDiagram } from './commands/diagram/register.ts';
import { registerTour } from './commands/tour/register.ts';
import { registerOneshot } from './commands/oneshot/index.ts';
import { mistypedCommand } from './suggestCommand.ts';
import { registerVerify } from './commands/verify/register.ts';
import { registerAlgorithms } from './commands/algorithms/register.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const VERSION = '0.1.0';

const fidelityOption = () =>
  new Option('--fidelity <mode>', "'default' fixes LLM Compressor's lifecycle quirks; 'reference' reproduces them").choices(['default', 'reference']).default('default');

export function buildProgram(): Command {
  const program = new Command('llmc-sim')
    .description("LLM Compressor's compression lifecycle as an event-sourced actor simulation")
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  program
    .command('run', { isDefault: true })
    .description('simulate a training run of a recipe and show, per step, each modifier\'s phase and what it did')
    .argument('[recipe]', 'recipe file (YAML, JSON or a .md card); default examples/training.yaml')
    .option('--epochs <n>', 'epochs to train', intArg('--epochs', RUN_BOUNDS.epochs), 3)
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch', intArg('--steps-per-epoch', RUN_BOUNDS.stepsPerEpoch), 4)
    .option('--batches-per-step <n>', 'micro-batches per optimizer step (gradient accumulation)', intArg('--batches-per-step', RUN_BOUNDS.batchesPerStep), 1)
    .option('--seed <n>', 'seed for the model, the loss curve and the optimizer noise', intArg('--seed', RUN_BOUNDS.seed), 0)
    .option('--model <path>', "'synthetic' (built-in, the default), 'stories260K' or a .bin / safetensors path", pathArg('--model'))
    .option('--records <file>', 'also write every lifecycle record as NDJSON to this file (- for stdout)', pathArg('--records'))
    .option('--log <file>', "record a replayable journal of the run ('-' for stdout; see docs/journal-format.md)", pathArg('--log'))
    .option('--force', 'let --log overwrite an existing file')
    .addOption(fidelityOption())
    .addOption(new Option('--optimizer <kind>', "simulated optimizer step: 'noise' nudges a seeded quarter of each Linear's weights, 'none' leaves weights to the modifiers").choices(['noise', 'none']).default('noise'))
    .option('-q, --quiet', 'no progress bar on stderr')
    .addHelpText('after', '\nExamples:\n  $ llmc-sim run\n  $ llmc-sim run examples/training.yaml --epochs 5 --steps-per-epoch 8\n  $ llmc-sim run --epochs 50 --steps-per-epoch 100 --optimizer none > run.txt   # a bar on stderr, rows in run.txt\n  $ llmc-sim run --fidelity reference   # see LLM Compressor ignore start > 0 (Q1)')
    .action(async (recipe: string | undefined, opts) => {
      const { run } = await import('./commands/run/index.ts');
      await run(recipe, opts, out);
    });

  program
    .command('quantize')
    .description('compare a model\'s outputs after RTN quantization, alone and after SpinQuant rotations (logit MSE, KL, perplexity)')
    .option('--model <model>', "'synthetic' (built-in), 'stories260K' (shipped in models/) or a .bin / safetensors path", 'synthetic')
    .option('--scheme <scheme>', 'W4A4, W4A16, W4A16_ASYM, W8A16, W8A8, INT8, or int4-channel (weight-only int4 per channel)', 'W4A4')
    .option('--rotations <sets...>', "rotation settings to compare: 'R1+R2' and/or 'R1-R4'", ['R1+R2', 'R1-R4'])
    .addOption(
      new Option('--transform-type <type>', "Hadamard construction; 'auto' picks hadamard when every rotated size is a power of two, else random-hadamard")
        .choices(['auto', 'hadamard', 'random-hadamard', 'random-matrix'])
        .default('auto'),
    )
    .option('--transform-block-size <n>', 'block size of R1 and R4 (a power of two for hadamard)', intArg('--transform-block-size', QUANTIZE_BOUNDS.transformBlockSize))
    .option('--samples <n>', 'evaluation sequences sampled from the float model', intArg('--samples', QUANTIZE_BOUNDS.samples), 16)
    .option('--length <n>', 'tokens per sampled sequence', intArg('--length', QUANTIZE_BOUNDS.length), 64)
    .option('--seed <n>', 'seed of the sampling and of random transforms', intArg('--seed', QUANTIZE_BOUNDS.seed), 0)
    .option('--json', 'print the table as one JSON object')
    .option('-q, --quiet', 'no progress bar on stderr')
    .addHelpText('after', '\nExamples:\n  $ llmc-sim quantize\n  $ llmc-sim quantize --model stories260K --scheme int4-channel\n  $ llmc-sim quantize --model stories260K --scheme W4A4 --rotations R1-R4')
    .action(async (opts) => {
      const { quantize } = await import('./commands/quantize/index.ts');
      await quantize(opts, out, (line) => process.stderr.write(`${line}\n`));
    });

  registerReplay(program);
  registerDiff(program);
  registerLog(program);
  registerTimeline(program);
  registerDiagram(program);
  registerTour(program);
  registerOneshot(program);
  registerVerify(program);
  registerAlgorithms(program);

  return program;
}

/** Environment settings the commands read, checked before any work (a usage error, exit 2). */
function checkEnvironment(): void {
  try {
    backendSetting();
  } catch (e) {
    throw new UsageError('LLMC_SIM_BACKEND', (e as Error).message.replace(/^LLMC_SIM_BACKEND /, ''));
  }
}

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code: 0, 1 for a library
 * ValueError/RuntimeError (bad input the library named: a recipe, a model file, a write that failed),
 * 2 for a usage error, 70 only for a bug. Safe to call in-process (tests, fuzzers): it never exits.
 */
export async function main(argv: string[]): Promise<number> {
  try {
    checkEnvironment();
    const program = buildProgram();
    const mistyped = mistypedCommand(program, argv);
    if (mistyped) throw new ExitError(mistyped, 2);
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    // commander has already printed its message (usage errors) or the help/version text.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof ExitError) {
      process.stderr.write(`llmc-sim: ${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof ValueError || e instanceof RuntimeError) {
      process.stderr.write(`llmc-sim: ${e.name}: ${e.message}\n`);
      return 1;
    }
    const err = e as Error;
    process.stderr.write(
      `llmc-sim: internal error (this should never happen): ${err?.stack ?? String(e)}\n` +
        `Please report it with the command you ran and this output (node ${process.version}).\n`,
    );
    return 70;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  installProcessHandlers();
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
