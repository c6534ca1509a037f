/**
 * For a modifier schedule bound (`start`, `end` or `update`): null, 0, a small integer, or a small
 * fraction (halves and quarters, which epoch-based indices `g / S` hit exactly).
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';

export interface ScheduleBoundConstraints {
  /** Largest magnitude. @defaultValue 4 */
  readonly max?: number;
  /** Allow negative values. @defaultValue false */
  readonly negative?: boolean;
}

export function scheduleBound(constraints: ScheduleBoundConstraints = {}): fc.Arbitrary<number | null> {
  const max = constraints.max ?? 4;
  if (!(max >= 0) || !Number.isInteger(max)) throw new Error('scheduleBound: constraints.max should be a non-negative integer');
  const min = constraints.negative ? -max : 0;
  return fc.oneof(
    { arbitrary: fc.constant(null), weight: 3 },
    { arbitrary: fc.constant(0), weight: 2 },
    { arbitrary: fc.integer({ min, max }), weight: 3 },
    { arbitrary: fc.integer({ min: min * 4, max: max * 4 }).map((q) => q / 4, (v) => (v as number) * 4), weight: 2 },
  );
}
