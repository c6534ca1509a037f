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

export function parseIntOption(option: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new UsageError(option, `expected an integer ≥ ${min}, got '${text}'`);
    return n;
  };
}
