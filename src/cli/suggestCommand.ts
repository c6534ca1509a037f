/**
 * "Did you mean" for a mistyped subcommand. `run` is the default command and takes a recipe path,
 * so commander would read `llmc-sim quantise` as `run quantise` and answer "recipe: no such file";
 * a first word that is no file and is one typo from a command name gets this message instead.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { closestName } from '../core/suggest.ts';

/** The usage message for `argv`, or null when its first word is a command, an option, a file or far from every command. */
export function mistypedCommand(program: Command, argv: readonly string[]): string | null {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || existsSync(first)) return null;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (names.includes(first)) return null;
  const near = closestName(first, names);
  return near === null ? null : `unknown command '${first}'. Did you mean '${near}'?`;
}
