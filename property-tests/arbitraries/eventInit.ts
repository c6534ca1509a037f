/**
 * For the fields of an Event (lifecycle.md §2) with integer steps: `globalStep` and `globalBatch`
 * anywhere in the safe range, `stepsPerEpoch` null or a non-zero integer, `batchesPerStep` null, 0
 * or a small integer.
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';

export interface EventInitValue {
  stepsPerEpoch: number | null;
  batchesPerStep: number | null;
  globalStep: number;
  globalBatch: number;
}

export interface EventInitConstraints {
  /** Largest |globalStep| and |globalBatch|. @defaultValue 2 ** 40 */
  readonly maxStep?: number;
  /** Allow negative steps. @defaultValue true */
  readonly negative?: boolean;
  /** Always epoch based. @defaultValue false */
  readonly epochBased?: boolean;
}

export function eventInit(constraints: EventInitConstraints = {}): fc.Arbitrary<EventInitValue> {
  const max = constraints.maxStep ?? 2 ** 40;
  if (!Number.isSafeInteger(max) || max < 1) throw new Error('eventInit: constraints.maxStep should be a positive safe integer');
  const min = constraints.negative === false ? 0 : -max;
  const step = fc.oneof(fc.integer({ min: -50, max: 50 }).filter((v) => v >= min), fc.integer({ min, max }));
  const spe = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: -64, max: -1 }), fc.integer({ min: 1, max: 2 ** 31 }));
  return fc.record({
    stepsPerEpoch: constraints.epochBased ? spe : fc.option(spe, { nil: null }),
    batchesPerStep: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
    globalStep: step,
    globalBatch: step,
  });
}
