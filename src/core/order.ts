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

/** An OrderStep with the order state after it as an event type code too, for the lifecycle's per-call lookup. */
export interface OrderCell extends OrderStep {
  lastCode: number;
}

const TYPES = ALL_EVENT_TYPES.length;
/** Each event type's code, as the own properties of a prototype-less object (a property read is cheaper than a Map lookup). */
const CODE_OF: Readonly<Record<string, number | undefined>> = Object.assign(Object.create(null) as Record<string, number>, Object.fromEntries(ALL_EVENT_TYPES.map((t, i) => [t, i])));

/** The event type's position in `ALL_EVENT_TYPES`, or -1 when `type` is not an EventType value (one property read). */
export function eventTypeCode(type: unknown): number {
  return typeof type === 'string' ? (CODE_OF[type] ?? -1) : -1;
}

/** The event type of a code from {@link eventTypeCode}. */
export const eventTypeOfCode = (code: number): EventType => ALL_EVENT_TYPES[code];

/** cells[lastCode * TYPES + nextCode]; empty where `last` is not an ordered type. One array read per call. */
const cells: (OrderCell | undefined)[] = new Array(TYPES * TYPES).fill(undefined);
for (const last of ORDERED) {
  const snapshot = lifecycleOrderMachine.resolveState({ value: last, context: undefined as never });
  for (const next of ALL_EVENT_TYPES) {
    const [after, actions] = transition(lifecycleOrderMachine, snapshot, { type: next });
    const accepted = actions.some((a) => a.type === 'accept');
    const lastAfter = after.value as EventType;
    cells[eventTypeCode(last) * TYPES + eventTypeCode(next)] = { accepted, last: lastAfter, lastCode: eventTypeCode(lastAfter) };
  }
}

/** {@link nextOrderState} by codes: `undefined` when `lastCode` is not an ordered type. */
export function orderCellAt(lastCode: number, nextCode: number): OrderCell | undefined {
  return cells[lastCode * TYPES + nextCode];
}

/**
 * Whether `next` may follow `last`, and the order state after it.
 * @throws {UnknownEventTypeError} (a ValueError) when `next` is not an EventType value, or `last` not an ordered one.
 */
export function nextOrderState(last: EventType, next: EventType): OrderStep {
  const lastCode = eventTypeCode(last);
  const nextCode = eventTypeCode(next);
  const cell = lastCode >= 0 && nextCode >= 0 ? orderCellAt(lastCode, nextCode) : undefined;
  if (!cell) throw new UnknownEventTypeError(isEventType(next) ? last : next);
  return { accepted: cell.accepted, last: cell.last };
}
