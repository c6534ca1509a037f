/**
 * For a lifecycle fidelity (lifecycle.md §0): `'default'` or `'reference'`.
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';

export type FidelityValue = 'default' | 'reference';

export interface FidelityConstraints {
  /** Restrict to these fidelities. @defaultValue both */
  readonly only?: readonly FidelityValue[];
}

export function fidelity(constraints: FidelityConstraints = {}): fc.Arbitrary<FidelityValue> {
  const only = constraints.only ?? ['default', 'reference'];
  if (only.length === 0) throw new Error('fidelity: constraints.only should name at least one fidelity');
  return fc.constantFrom(...only);
}
