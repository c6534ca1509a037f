#!/usr/bin/env node
/**
 * The `llmc-sim` command. The only place that reads process.argv, writes stdout and sets exit
 * codes. Each command lives in commands/<name>/ and is imported when it runs.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitError, parseIntOption } from './errors.ts';
import { ValueError, RuntimeError } from '../core/errors.ts';
import { registerVerify } from './commands/verify/register.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const VERSION = '0.1.0';

function intArg(option: string, min: number) {
  const parse = parseIntOption(option, min);
  return (text: string) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

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
    .option('--epochs <n>', 'epochs to train', intArg('--epochs', 0), 3)
    .option('--steps-per-epoch <n>', 'optimizer steps per epoch', intArg('--steps-per-epoch', 1), 4)
    .option('--batches-per-step <n>', 'micro-batches per optimizer step (gradient accumulation)', intArg('--batches-per-step', 1), 1)
    .option('--seed <n>', 'seed for the model, the loss curve and the optimizer noise', intArg('--seed', 0), 0)
    .option('--model <path>', 'a llama2.c .bin or safetensors model; default: the built-in synthetic model')
    .option('--records <file>', 'also write every lifecycle record as NDJSON to this file')
    .addOption(fidelityOption())
    .addHelpText('after', '\nExamples:\n  $ llmc-sim run\n  $ llmc-sim run examples/training.yaml --epochs 5 --steps-per-epoch 8\n  $ llmc-sim run --fidelity reference   # see LLM Compressor ignore start > 0 (Q1)')
    .action(async (recipe: string | undefined, opts) => {
      const { run } = await import('./commands/run/index.ts');
      await run(recipe, opts, out);
    });

  program
    .command('quantize')
    .description('compare a model\'s outputs after RTN quantization, alone and after SpinQuant rotations (logit MSE, KL, perplexity)')
    .option('--model <model>', "'synthetic' (built-in), 'stories260K' (../shared/models) or a .bin / safetensors path", 'synthetic')
    .option('--scheme <scheme>', 'W4A4, W4A16, W4A16_ASYM, W8A16, W8A8, INT8, or int4-channel (weight-only int4 per channel)', 'W4A4')
    .option('--rotations <sets...>', "rotation settings to compare: 'R1+R2' and/or 'R1-R4'", ['R1+R2', 'R1-R4'])
    .addOption(
      new Option('--transform-type <type>', "Hadamard construction; 'auto' picks hadamard when every rotated size is a power of two, else random-hadamard")
        .choices(['auto', 'hadamard', 'random-hadamard', 'random-matrix'])
        .default('auto'),
    )
    .option('--transform-block-size <n>', 'block size of R1 and R4 (a power of two for hadamard)', intArg('--transform-block-size', 1))
    .option('--samples <n>', 'evaluation sequences sampled from the float model', intArg('--samples', 1), 16)
    .option('--length <n>', 'tokens per sampled sequence', intArg('--length', 2), 64)
    .option('--seed <n>', 'seed of the sampling and of random transforms', intArg('--seed', 0), 0)
    .option('--json', 'print the table as one JSON object')
    .addHelpText('after', '\nExamples:\n  $ llmc-sim quantize\n  $ llmc-sim quantize --model stories260K --scheme int4-channel\n  $ llmc-sim quantize --model stories260K --scheme W4A4 --rotations R1-R4')
    .action(async (opts) => {
      const { quantize } = await import('./commands/quantize/index.ts');
      await quantize(opts, out, (line) => process.stderr.write(`${line}\n`));
    });

  registerVerify(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
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
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
