/**
 * `nextOrderState`: the lifecycle order rule as a pure lookup, compiled once from
 * `machines/lifecycle.machine.ts` with XState's pure `transition()` over every (last, next) pair.
 * The lifecycle (per call) and `enforceEventOrder` (per stream) both use it, so the rule has one home.
 */
import { transition } from 'xstate';
import { lifecycleOrderMachine, ORDERED, type OrderedType } from '../../machines/lifecycle.machine.ts';
import { ALL_EVENT_TYPES, EventType, isEventType } from './events.ts';
import { UnknownEventTypeError } from './lifecycleErrors.ts';

export interface OrderStep {
  accepted: boolean;
  last: EventType;
}

export const INITIAL_ORDER_STATE = EventType.BATCH_END;

/** table[last][next], two property reads per call (no key string is built: this runs per event). */
const table: Record<string, Record<string, OrderStep>> = Object.create(null);
for (const last of ORDERED) {
  const snapshot = lifecycleOrderMachine.resolveState({ value: last, context: undefined as never });
  const row: Record<string, OrderStep> = (table[last] = Object.create(null));
  for (const next of ALL_EVENT_TYPES) {
    const [after, actions] = transition(lifecycleOrderMachine, snapshot, { type: next });
    const accepted = actions.some((a) => a.type === 'accept');
    row[next] = { accepted, last: after.value as EventType };
  }
}

/**
 * Whether `next` may follow `last`, and the order state after it.
 * @throws {UnknownEventTypeError} (a ValueError) when `next` is not an EventType value, or `last` not an ordered one.
 */
export function nextOrderState(last: EventType, next: EventType): OrderStep {
  const step = table[last]?.[next];
  if (!step) throw new UnknownEventTypeError(isEventType(next) ? last : next);
  return step;
}


export function isOrdered(t: EventType): t is EventType & OrderedType {
  return (ORDERED as readonly string[]).includes(t);
}
