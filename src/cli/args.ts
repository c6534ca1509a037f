/**
 * Option parsers for commander: ours (`parseIntOption`, `parsePathOption`) with their UsageError turned into
 * commander's InvalidArgumentError, so a bad value is a usage error (exit 2) printed with the command's usage hint.
 */
import { InvalidArgumentError } from 'commander';
import { parseIntOption, parsePathOption, type IntBounds } from './errors.ts';

function commanderArg<T>(parse: (text: string) => T) {
  return (text: string) => {
    try {
      return parse(text);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

/** A whole number written in digits within `bounds` (a minimum alone, or min/max with the reason for the max). */
export const intArg = (option: string, bounds: number | IntBounds) => commanderArg(parseIntOption(option, bounds));
/** A file name that is not empty (`-` is stdout where the option says so). */
export const pathArg = (option: string) => commanderArg(parsePathOption(option));
/** A repeatable option's values, in the order given (`--row a --row b`). */
export const repeatable = (value: string, previous: string[]) => [...previous, value];
