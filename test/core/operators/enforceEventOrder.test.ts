/**
 * Marble tests for enforceEventOrder (lifecycle.md §6.4): emitted values, the E45 error, and the
 * source subscription's lifetime (unsubscribed on error, on completion and when the consumer leaves).
 */
import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { Subject, tap } from 'rxjs';
import { enforceEventOrder } from '../../../src/core/operators/enforceEventOrder.ts';
import { EventOrderError, UnknownEventTypeError } from '../../../src/core/lifecycleErrors.ts';
import { ValueError } from '../../../src/core/errors.ts';
import { EventType } from '../../../src/core/events.ts';

const V = {
  s: EventType.BATCH_START,
  l: EventType.LOSS_CALCULATED,
  p: EventType.OPTIM_PRE_STEP,
  q: EventType.OPTIM_POST_STEP,
  e: EventType.BATCH_END,
  c: EventType.CALIBRATION_EPOCH_START,
  z: EventType.SEQUENTIAL_EPOCH_END,
};

function scheduler() {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('enforceEventOrder (marbles)', () => {
  it('passes a full training step through and completes', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-s-l-p-q-e-s-e-|', V);
      expectObservable(src.pipe(enforceEventOrder())).toBe('-s-l-p-q-e-s-e-|', V);
      expectSubscriptions(src.subscriptions).toBe('^--------------!');
    });
  });

  it('errors with E45 on the first rejected type and unsubscribes from the source', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-s-l-l-e-p-s-|', V);
      const err = new EventOrderError(EventType.BATCH_END, EventType.OPTIM_PRE_STEP);
      expectObservable(src.pipe(enforceEventOrder())).toBe('-s-l-l-e-#', V, err);
      expectSubscriptions(src.subscriptions).toBe('^--------!');
    });
  });

  it('rejects BATCH_START twice in a row', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('--s--s--e--|', V);
      expectObservable(src.pipe(enforceEventOrder())).toBe('--s--#', V, new EventOrderError(EventType.BATCH_START, EventType.BATCH_START));
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('lets calibration types through without moving the order state', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('-s-c-z-l-|', V);
      expectObservable(src.pipe(enforceEventOrder())).toBe('-s-c-z-l-|', V);
    });
  });

  it('rejects LOSS_CALCULATED first (initial state BATCH_END) and honours `initial`', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-l-|', V).pipe(enforceEventOrder())).toBe('-#', V, new EventOrderError(EventType.BATCH_END, EventType.LOSS_CALCULATED));
      expectObservable(cold('-l-|', V).pipe(enforceEventOrder(EventType.BATCH_START))).toBe('-l-|', V);
    });
  });

  it('forwards a source error unchanged', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-s-#', V, new Error('upstream'));
      expectObservable(src.pipe(enforceEventOrder())).toBe('-s-#', V, new Error('upstream'));
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    scheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-s-l-p-q-e-|', V);
      expectObservable(src.pipe(enforceEventOrder()), '^----!').toBe('-s-l-', V);
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('keeps its order state per subscription', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const checked = cold('-s-e-|', V).pipe(enforceEventOrder());
      expectObservable(checked).toBe('-s-e-|', V);
      expectObservable(checked).toBe('-s-e-|', V); // a second subscriber starts again at BATCH_END
    });
  });

  it('delivers nothing from the source after the error (no late emissions)', () => {
    const source = new Subject<EventType>();
    const seen: string[] = [];
    let errors = 0;
    let sourceValuesAfterError = 0;
    let errored = false;
    source
      .pipe(
        tap(() => {
          if (errored) sourceValuesAfterError++;
        }),
        enforceEventOrder(),
      )
      .subscribe({ next: (t) => seen.push(t), error: () => ((errored = true), errors++) });
    source.next(EventType.BATCH_START);
    source.next(EventType.BATCH_START);
    source.next(EventType.BATCH_END);
    expect(seen).toEqual([EventType.BATCH_START]);
    expect(errors).toBe(1);
    expect(source.observed).toBe(false);
    expect(sourceValuesAfterError).toBe(0);
  });

  it('errors the stream with a ValueError naming an unknown event type (no throw out of next, no crash)', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-s-x-e-|', { ...V, x: 'bogus' as EventType });
      const err = new UnknownEventTypeError('bogus');
      expectObservable(src.pipe(enforceEventOrder())).toBe('-s-#', V, err);
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    expect(new UnknownEventTypeError('bogus')).toBeInstanceOf(ValueError);
  });
});
