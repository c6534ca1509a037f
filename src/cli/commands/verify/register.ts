/** `llmc-sim verify`: registration only (the work is imported when the command runs). */
import { Command, Option } from 'commander';
import { intArg, repeatable } from '../../args.ts';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('explore every sequence of lifecycle calls up to a depth and check lifecycle properties; print the shortest counterexample of each broken one')
    .argument('[config]', 'YAML: a recipe of ProbeModifiers, or {recipe, steps, fidelity}; default: a built-in three-modifier configuration')
    .option('--depth <k>', 'longest call sequence explored', intArg('--depth', 0), 12)
    .option('--property <name>', 'check only this property (repeatable); default: all built-in ones', repeatable, [] as string[])
    .addOption(new Option('--fidelity <mode>', "'default' or 'reference' (overrides the config's)").choices(['default', 'reference']))
    .option('--json', 'print the report as one JSON object')
    .option('--counterexample <file>', 'write the first unexpected violation (or, if none, the first quirk) as a replayable counterexample')
    .option('--promela <file>', 'also export the configuration as a Promela model for SPIN (docs/verify.md)')
    .option('--properties <module>', "also check the properties a module exports as 'properties' (an array; see docs/verify.md)")
    .option('--list-properties', 'list the built-in properties and exit')
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 when every property holds or is broken only as a known quirk, 1 when one is VIOLATED, 2 for bad input.',
        '',
        'Examples:',
        '  $ llmc-sim verify',
        '  $ llmc-sim verify --fidelity reference            # Q1 and Q3 show up as known quirks',
        '  $ llmc-sim verify examples/verify.yaml --depth 8 --property ended-had-started',
        '  $ llmc-sim verify --json --counterexample cx.json --promela model.pml',
      ].join('\n'),
    )
    .action(async (config: string | undefined, opts) => {
      const { runVerify } = await import('./run.ts');
      await runVerify(config, opts, (line) => process.stdout.write(`${line}\n`), process.stderr);
    });
}
