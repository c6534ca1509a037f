/**
 * For a finite double of moderate magnitude (no NaN, no infinities, no subnormal-range values), the
 * domain where the exact-rational oracle in event-arith.test.ts is valid.
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';

export interface FiniteDoubleConstraints {
  /** Largest magnitude. @defaultValue 1e9 */
  readonly max?: number;
  /** Smallest non-zero magnitude. @defaultValue 1e-12 */
  readonly minMagnitude?: number;
  /** Exclude zero. @defaultValue false */
  readonly nonZero?: boolean;
}

export function finiteDouble(constraints: FiniteDoubleConstraints = {}): fc.Arbitrary<number> {
  const max = constraints.max ?? 1e9;
  const tiny = constraints.minMagnitude ?? 1e-12;
  if (!(max > tiny && tiny > 0)) throw new Error('finiteDouble: constraints should satisfy max > minMagnitude > 0');
  return fc
    .oneof(
      fc.double({ min: -max, max, noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8, (v) => (v as number) * 8),
      fc.integer({ min: -1000, max: 1000 }).map((n) => n / 10, (v) => Math.round((v as number) * 10)),
    )
    .filter((x) => (x === 0 ? !constraints.nonZero : Math.abs(x) >= tiny));
}
