/** CLI exit errors: the one top-level catch in main.ts turns these into exit codes. */
export class ExitError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'ExitError';
  }
}

/** A CLI argument that cannot be used; names the option. */
export class UsageError extends ExitError {
  constructor(option: string, problem: string) {
    super(`${option}: ${problem}`, 2);
  }
}

/** An integer option's range and, for the upper bound, why it is there (said in the error). */
export interface IntBounds {
  readonly min: number;
  readonly max: number;
  readonly why?: string;
}

/**
 * Parses an integer option: decimal digits only (no `''`, `1e8`, `0x10`, `1.5`, `Infinity`: `Number('')`
 * is 0 and `Number('1e308')` is an integer, so `Number` alone lets both through), within `bounds`.
 */
export function parseIntOption(option: string, bounds: number | IntBounds) {
  const { min, max, why } = typeof bounds === 'number' ? { min: bounds, max: Number.MAX_SAFE_INTEGER, why: undefined } : bounds;
  return (text: string): number => {
    const shown = JSON.stringify(text);
    if (!/^\s*\+?\d+\s*$/.test(text)) throw new UsageError(option, `expected a whole number written in digits, got ${shown}`);
    const n = Number(text);
    if (n < min) throw new UsageError(option, `expected an integer ≥ ${min}, got ${shown}`);
    if (!(n <= max)) throw new UsageError(option, `at most ${max}${why ? ` (${why})` : ''}, got ${shown}`);
    return n;
  };
}

/** A file-name option: an empty name is a mistake (often an unset shell variable), not "no file". */
export function parsePathOption(option: string) {
  return (text: string): string => {
    if (text === '') throw new UsageError(option, "expected a file name (or - for stdout), got ''");
    return text;
  };
}
