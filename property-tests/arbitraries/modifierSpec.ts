/**
 * For the configuration of one test modifier: its schedule and what its hooks return.
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';
import { scheduleBound, type ScheduleBoundConstraints } from './scheduleBound.ts';

export interface ModifierSpec {
  start: number | null;
  end: number | null;
  update: number | null;
  /** What `onInitialize` returns. */
  initResult: boolean;
  /** What `onFinalize` does: return true/false, or throw. */
  finalizeResult: boolean | 'throw';
}

export interface ModifierSpecConstraints {
  /** Bounds for start/end/update. */
  readonly schedule?: ScheduleBoundConstraints;
  /** Let `onFinalize` throw sometimes. @defaultValue true */
  readonly throwingFinalize?: boolean;
}

export function modifierSpec(constraints: ModifierSpecConstraints = {}): fc.Arbitrary<ModifierSpec> {
  const bound = scheduleBound(constraints.schedule);
  const finalizeResults: (boolean | 'throw')[] = constraints.throwingFinalize === false ? [true, false] : [true, false, 'throw'];
  return fc.record({
    start: bound,
    end: bound,
    update: bound,
    initResult: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
    finalizeResult: fc.constantFrom(...finalizeResults),
  });
}
