/**
 * For an EventType value (lifecycle.md §1), as the plain string the enum holds: the property tests
 * spell the values themselves so the reference model does not depend on the implementation.
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';

export const EVENT_TYPE_VALUES = [
  'initialize',
  'finalize',
  'batch_start',
  'loss_calculated',
  'batch_end',
  'calibration_epoch_start',
  'sequential_epoch_end',
  'calibration_epoch_end',
  'optim_pre_step',
  'optim_post_step',
] as const;
export type EventTypeValue = (typeof EVENT_TYPE_VALUES)[number];

/** The five ordered types (§6.4), by position. */
export const ORDERED_VALUES = ['batch_start', 'loss_calculated', 'optim_pre_step', 'optim_post_step', 'batch_end'] as const;

export interface EventTypeValueConstraints {
  /** Leave out INITIALIZE and FINALIZE (which `event()` rejects with E44). @defaultValue false */
  readonly dispatchableOnly?: boolean;
  /** Only the five ordered types. @defaultValue false */
  readonly orderedOnly?: boolean;
}

export function eventTypeValue(constraints: EventTypeValueConstraints = {}): fc.Arbitrary<EventTypeValue> {
  if (constraints.orderedOnly) return fc.constantFrom(...ORDERED_VALUES);
  const values = constraints.dispatchableOnly
    ? EVENT_TYPE_VALUES.filter((t) => t !== 'initialize' && t !== 'finalize')
    : EVENT_TYPE_VALUES;
  // Ordered types first: fast-check shrinks constantFrom towards the first value.
  const byWeight = [...ORDERED_VALUES, ...values.filter((t) => !(ORDERED_VALUES as readonly string[]).includes(t))];
  return fc.constantFrom(...byWeight);
}
