/**
 * Lets lifecycle event types through in the order LLM Compressor allows; errors on the first that
 * breaks it.
 *
 * Like `scan` with a fixed reducer: it keeps the last ordered type and checks each new one against
 * {@link nextOrderState}, the same rule the lifecycle applies per call.
 *
 * ```
 * source:   --s--l--l--e--p--|     (s BATCH_START, l LOSS_CALCULATED, e BATCH_END, p OPTIM_PRE_STEP)
 * result:   --s--l--l--e--#        # = EventOrderError(BATCH_END, OPTIM_PRE_STEP)
 * ```
 *
 * 1. Start with the order state `BATCH_END` (or `initial`).
 * 2. For each type: ask `nextOrderState(last, type)`.
 * 3. Accepted: remember the new state and emit the type.
 * 4. Rejected: send an {@link EventOrderError} down the stream and unsubscribe from the source.
 *    A value that is not an EventType is sent down the same way, as an {@link UnknownEventTypeError}.
 *
 * @param initial the order state to start from (the lifecycle's `last`), default BATCH_END.
 * @return an operator emitting exactly the accepted prefix of the source.
 * @throws {EventOrderError} through `error()`, on the first rejected type.
 * @throws {UnknownEventTypeError} through `error()`, on a value that is not an EventType.
 * @see nextOrderState
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { EventType } from '../events.ts';
import { EventOrderError } from '../lifecycleErrors.ts';
import { INITIAL_ORDER_STATE, nextOrderState } from '../order.ts';

export function enforceEventOrder(initial: EventType = INITIAL_ORDER_STATE): OperatorFunction<EventType, EventType> {
  return (source) =>
    new Observable<EventType>((subscriber) => {
      let last = initial;
      return source.subscribe({
        next(type) {
          let step;
          try {
            step = nextOrderState(last, type);
          } catch (e) {
            subscriber.error(e);
            return;
          }
          if (!step.accepted) {
            subscriber.error(new EventOrderError(last, type));
            return;
          }
          last = step.last;
          subscriber.next(type);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
