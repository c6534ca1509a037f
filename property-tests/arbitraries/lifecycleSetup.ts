/**
 * For what a lifecycle property run starts from: the fidelity, 1–3 test modifiers, and whether
 * someone subscribes to `records$` (which switches the lifecycle from its silent hot path to
 * recording; behaviour must not change).
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';
import { fidelity, type FidelityConstraints, type FidelityValue } from './fidelity.ts';
import { modifierSpec, type ModifierSpec, type ModifierSpecConstraints } from './modifierSpec.ts';

export interface LifecycleSetup {
  fidelity: FidelityValue;
  modifiers: ModifierSpec[];
  recording: boolean;
}

export interface LifecycleSetupConstraints {
  readonly fidelity?: FidelityConstraints;
  readonly modifier?: ModifierSpecConstraints;
  /** @defaultValue 1 */
  readonly minModifiers?: number;
  /** @defaultValue 3 */
  readonly maxModifiers?: number;
}

export function lifecycleSetup(constraints: LifecycleSetupConstraints = {}): fc.Arbitrary<LifecycleSetup> {
  const minLength = constraints.minModifiers ?? 1;
  const maxLength = constraints.maxModifiers ?? 3;
  if (minLength > maxLength) throw new Error('lifecycleSetup: minModifiers should not exceed maxModifiers');
  return fc.record({
    fidelity: fidelity(constraints.fidelity),
    modifiers: fc.array(modifierSpec(constraints.modifier), { minLength, maxLength }),
    recording: fc.boolean(),
  });
}
