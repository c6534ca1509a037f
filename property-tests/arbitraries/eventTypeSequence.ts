/**
 * For a sequence of event types fed to the order rule. Ordered types dominate so sequences reach
 * deep into the §6.4 table before a rejection.
 * @remarks Since 0.1.0
 * @public
 */
import fc from 'fast-check';
import { eventTypeValue, ORDERED_VALUES, type EventTypeValue } from './eventTypeValue.ts';

export interface EventTypeSequenceConstraints {
  /** @defaultValue 12 */
  readonly maxLength?: number;
}

export function eventTypeSequence(constraints: EventTypeSequenceConstraints = {}): fc.Arbitrary<EventTypeValue[]> {
  const maxLength = constraints.maxLength ?? 12;
  const one = fc.oneof(
    { arbitrary: fc.constantFrom(...ORDERED_VALUES), weight: 4 },
    { arbitrary: eventTypeValue(), weight: 1 },
  );
  return fc.array(one, { maxLength });
}
