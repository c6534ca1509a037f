/**
 * enforceEventOrder accepts exactly what the §6.4 table allows: for random sequences of event
 * types, the operator emits the longest accepted prefix (computed from the table below, written as
 * data) and then errors with EventOrderError carrying E45's text; a fully accepted sequence
 * completes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { from } from 'rxjs';
import { enforceEventOrder } from '../src/core/operators/enforceEventOrder.ts';
import { EventOrderError } from '../src/core/lifecycleErrors.ts';
import { ValueError } from '../src/core/errors.ts';
import type { EventType } from '../src/core/events.ts';
import { eventTypeSequence } from './arbitraries/eventTypeSequence.ts';
import { ORDERED_VALUES, type EventTypeValue } from './arbitraries/eventTypeValue.ts';

type Ordered = (typeof ORDERED_VALUES)[number];

/** lifecycle.md §6.4, row = last, column = next; copied cell by cell. */
const TABLE: Record<Ordered, Record<Ordered, 'ok' | 'ERR'>> = {
  batch_start: { batch_start: 'ERR', loss_calculated: 'ok', optim_pre_step: 'ok', optim_post_step: 'ok', batch_end: 'ok' },
  loss_calculated: { batch_start: 'ok', loss_calculated: 'ok', optim_pre_step: 'ok', optim_post_step: 'ok', batch_end: 'ok' },
  optim_pre_step: { batch_start: 'ok', loss_calculated: 'ERR', optim_pre_step: 'ok', optim_post_step: 'ok', batch_end: 'ok' },
  optim_post_step: { batch_start: 'ok', loss_calculated: 'ERR', optim_pre_step: 'ERR', optim_post_step: 'ok', batch_end: 'ok' },
  batch_end: { batch_start: 'ok', loss_calculated: 'ERR', optim_pre_step: 'ERR', optim_post_step: 'ERR', batch_end: 'ok' },
};

const isOrdered = (t: EventTypeValue): t is Ordered => (ORDERED_VALUES as readonly string[]).includes(t);

/** The longest accepted prefix and, if it stopped, the (last, rejected) pair. */
function acceptedPrefix(seq: readonly EventTypeValue[], initial: Ordered = 'batch_end') {
  let last: Ordered = initial;
  for (let i = 0; i < seq.length; i++) {
    const t = seq[i];
    if (!isOrdered(t)) continue; // unordered: accepted, last unchanged
    if (TABLE[last][t] === 'ERR') return { prefix: seq.slice(0, i), rejected: { last, next: t } };
    last = t;
  }
  return { prefix: [...seq], rejected: null };
}

const E45 = (last: string, next: string) =>
  "Lifecycle events must appear following order: [<EventType.BATCH_START: 'batch_start'>, <EventType.LOSS_CALCULATED: 'loss_calculated'>, " +
  "<EventType.OPTIM_PRE_STEP: 'optim_pre_step'>, <EventType.OPTIM_POST_STEP: 'optim_post_step'>, <EventType.BATCH_END: 'batch_end'>]. " +
  `Instead, EventType.${last.toUpperCase()} was called before EventType.${next.toUpperCase()}`;

function runOperator(seq: readonly EventTypeValue[], initial?: Ordered) {
  const emitted: string[] = [];
  let error: unknown = undefined;
  let completed = false;
  from(seq as EventType[])
    .pipe(initial === undefined ? enforceEventOrder() : enforceEventOrder(initial as EventType))
    .subscribe({ next: (t) => emitted.push(t), error: (e) => (error = e), complete: () => (completed = true) });
  return { emitted, error, completed };
}

describe('enforceEventOrder = the §6.4 table', () => {
  it('emits the longest accepted prefix, then E45 (or completes)', () => {
    fc.assert(
      fc.property(eventTypeSequence({ maxLength: 14 }), (seq) => {
        const want = acceptedPrefix(seq);
        const got = runOperator(seq);
        expect(got.emitted).toEqual(want.prefix);
        if (want.rejected) {
          expect(got.completed).toBe(false);
          expect(got.error).toBeInstanceOf(EventOrderError);
          expect(got.error).toBeInstanceOf(ValueError);
          expect((got.error as Error).message).toBe(E45(want.rejected.last, want.rejected.next));
          expect((got.error as EventOrderError).code).toBe('E45');
        } else {
          expect(got.error).toBeUndefined();
          expect(got.completed).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('starting from any order state (`initial`)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDERED_VALUES), eventTypeSequence(), (initial, seq) => {
        const want = acceptedPrefix(seq, initial);
        const got = runOperator(seq, initial);
        expect(got.emitted).toEqual(want.prefix);
        expect(got.error === undefined).toBe(want.rejected === null);
      }),
      { numRuns: 300 },
    );
  });

  it('the spec examples', () => {
    expect(runOperator(['batch_start', 'loss_calculated', 'loss_calculated', 'batch_end', 'batch_end']).completed).toBe(true);
    expect(runOperator(['batch_start', 'calibration_epoch_start', 'loss_calculated']).completed).toBe(true);
    const a = runOperator(['batch_start', 'optim_pre_step', 'loss_calculated']);
    expect(a.emitted).toEqual(['batch_start', 'optim_pre_step']);
    expect((a.error as Error).message).toBe(E45('optim_pre_step', 'loss_calculated'));
    const b = runOperator(['batch_start', 'batch_end', 'loss_calculated']);
    expect((b.error as Error).message).toBe(E45('batch_end', 'loss_calculated'));
  });
});
