/**
 * How faithfully a lifecycle follows LLM Compressor: `'reference'` reproduces upstream exactly, traps
 * included (an event carries no step); `'default'` keeps the sane behaviour the README's "Differences from
 * LLM Compressor" table lists.
 */
export type Fidelity = 'default' | 'reference';

/** Every fidelity, in the order error messages list them. */
export const FIDELITIES: readonly Fidelity[] = ['default', 'reference'];

export function isFidelity(value: unknown): value is Fidelity {
  return value === 'default' || value === 'reference';
}
