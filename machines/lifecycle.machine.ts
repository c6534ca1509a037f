/**
 * The lifecycle's event-order rule (lifecycle.md §6.4) as an XState v5 machine. The state is the
 * last accepted ordered event type (initially BATCH_END). Accepted transitions move to the event's
 * state and carry the action `accept`; a refused event carries `reject` and leaves the state as it was.
 * Calibration types are accepted and never move the state (Q11).
 */
import { setup } from 'xstate';

/** The ordered types, by position; values are EventType values (machines/ does not import src/). */
export const ORDERED = ['batch_start', 'loss_calculated', 'optim_pre_step', 'optim_post_step', 'batch_end'] as const;
export type OrderedType = (typeof ORDERED)[number];
export type OrderEvent = { type: string };

const position = (t: string) => (ORDERED as readonly string[]).indexOf(t);

/**
 * The rule: BATCH_START is accepted after anything but itself; any other ordered type needs
 * position(last) ≤ position(next).
 */
export function orderAllows(last: OrderedType, next: OrderedType): boolean {
  return next === 'batch_start' ? last !== 'batch_start' : position(last) <= position(next);
}

/**
 * The state after `last`: an allowed type moves to its own state (`accept`), a refused one stays
 * (`reject`). Each state lists only the transitions the rule gives it, so the graph is the §6.4 table.
 */
function stateFor(last: OrderedType) {
  return {
    on: Object.fromEntries(
      ORDERED.map((next) => [next, orderAllows(last, next) ? { target: next, actions: 'accept' as const } : { actions: 'reject' as const }]),
    ),
  };
}

export const lifecycleOrderMachine = setup({
  types: { events: {} as OrderEvent },
  actions: { accept: () => {}, reject: () => {} },
}).createMachine({
  id: 'lifecycleOrder',
  initial: 'batch_end',
  // Unordered (calibration) types: accepted, order state unchanged.
  on: { '*': { actions: 'accept' } },
  states: Object.fromEntries(ORDERED.map((last) => [last, stateFor(last)])) as Record<OrderedType, ReturnType<typeof stateFor>>,
});
