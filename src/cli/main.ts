#!/usr/bin/env node
/**
 * The `llmc-sim` command. The only place that reads process.argv, writes stdout and sets exit
 * codes. Each command lives in commands/<name>/ and is imported when it runs.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitError, parseIntOption } from './errors.ts';
import { ValueError, RuntimeError } from '../core/errors.ts';

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
