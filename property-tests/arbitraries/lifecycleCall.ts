/**
 * For one call on a CompressionLifecycle, as data: `initialize`, `event` (every EventType, with or
 * without `loss` and `globalStep`, both possibly null), `finalize` or `reset`. Events are the most
 * frequent so that sequences get past initialization.
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';
import { eventTypeValue, type EventTypeValue } from './eventTypeValue.ts';

export type LifecycleCall =
  | { kind: 'initialize'; recipe: boolean; stepsPerEpoch?: number | null; batchesPerStep?: number | null }
  | { kind: 'event'; type: EventTypeValue; loss?: number | null; globalStep?: number | null }
  | { kind: 'finalize' }
  | { kind: 'reset' };

export interface LifecycleCallConstraints {
  /** Largest |globalStep|. @defaultValue 6 */
  readonly maxStep?: number;
  /** Let `initialize` pass `stepsPerEpoch: 0` (epoch members then throw E3). @defaultValue true */
  readonly zeroStepsPerEpoch?: boolean;
}

export function lifecycleCall(constraints: LifecycleCallConstraints = {}): fc.Arbitrary<LifecycleCall> {
  const maxStep = constraints.maxStep ?? 6;
  const step = fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: maxStep }), weight: 6 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.integer({ min: -2 * maxStep, max: 2 * maxStep }).map((h) => h / 2, (v) => (v as number) * 2), weight: 1 },
  );
  const spe = constraints.zeroStepsPerEpoch === false ? [1, 2, 4] : [1, 2, 4, 0];
  const initialize = fc.record(
    {
      kind: fc.constant('initialize' as const),
      recipe: fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
      stepsPerEpoch: fc.oneof(fc.constant(null), fc.constantFrom(...spe)),
      batchesPerStep: fc.oneof(fc.constant(null), fc.constantFrom(1, 2, 3)),
    },
    { requiredKeys: ['kind', 'recipe'] },
  );
  const event = fc.record(
    {
      kind: fc.constant('event' as const),
      type: fc.oneof({ arbitrary: eventTypeValue({ orderedOnly: true }), weight: 2 }, { arbitrary: eventTypeValue(), weight: 1 }),
      loss: fc.oneof({ arbitrary: fc.constant(0.5), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 }),
      globalStep: step,
    },
    { requiredKeys: ['kind', 'type'] },
  );
  return fc.oneof(
    { arbitrary: event, weight: 10 },
    { arbitrary: initialize, weight: 2 },
    { arbitrary: fc.constant({ kind: 'finalize' as const }), weight: 1 },
    { arbitrary: fc.constant({ kind: 'reset' as const }), weight: 1 },
  );
}
