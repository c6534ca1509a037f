/**
 * `nextOrderState` (lifecycle.md §6.4) checked pair by pair against the rule restated from the spec,
 * and unknown event types refused by name. The module under test is imported inside each test, so a
 * change that stops it from loading fails here as a test (a test file whose import throws collects no
 * test, which mutation testing would not count).
 */
import { describe, expect, it } from 'vitest';
import { EventType } from '../../src/core/events.ts';
import { UnknownEventTypeError } from '../../src/core/lifecycleErrors.ts';
import { ValueError } from '../../src/core/errors.ts';

const load = () => import('../../src/core/order.ts');
const ORDERED = [EventType.BATCH_START, EventType.LOSS_CALCULATED, EventType.OPTIM_PRE_STEP, EventType.OPTIM_POST_STEP, EventType.BATCH_END];
const ALL = Object.values(EventType);

/** §6.4 restated: BATCH_START after anything but itself; another ordered type needs pos(last) ≤ pos(next); others pass, unrecorded. */
function expected(last: EventType, next: EventType): { accepted: boolean; last: EventType } {
  const p = ORDERED.indexOf(next);
  if (p < 0) return { accepted: true, last };
  const ok = next === EventType.BATCH_START ? last !== EventType.BATCH_START : ORDERED.indexOf(last) <= p;
  return { accepted: ok, last: ok ? next : last };
}

describe('nextOrderState (§6.4)', () => {
  it('starts from BATCH_END', async () => {
    expect((await load()).INITIAL_ORDER_STATE).toBe(EventType.BATCH_END);
  });

  it('gives every (ordered last, event type) pair the verdict and order state of the rule', async () => {
    const { nextOrderState } = await load();
    for (const last of ORDERED) for (const next of ALL) expect(nextOrderState(last, next), `${last} → ${next}`).toEqual(expected(last, next));
  });

  it('refuses a type that is not an EventType, naming it, after every ordered state', async () => {
    const { nextOrderState } = await load();
    for (const last of ORDERED) {
      for (const bogus of ['bogus', '', 'BATCH_START']) {
        let thrown: unknown;
        try {
          nextOrderState(last, bogus as EventType);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${last} → ${JSON.stringify(bogus)}`).toBeInstanceOf(UnknownEventTypeError);
        expect(thrown).toBeInstanceOf(ValueError);
        expect((thrown as Error).message).toContain(JSON.stringify(bogus).slice(1, -1));
      }
    }
  });

  it('refuses a last state that is not an ordered type, naming it', async () => {
    const { nextOrderState } = await load();
    for (const last of [EventType.INITIALIZE, EventType.FINALIZE, EventType.CALIBRATION_EPOCH_START, 'bogus' as EventType]) {
      expect(() => nextOrderState(last, EventType.BATCH_START)).toThrow(UnknownEventTypeError);
      expect(() => nextOrderState(last, EventType.BATCH_START)).toThrow(String(last));
    }
  });

  it('maps event types to codes and back, and anything else to -1', async () => {
    const { eventTypeCode, eventTypeOfCode } = await load();
    for (const t of ALL) expect(eventTypeOfCode(eventTypeCode(t))).toBe(t);
    expect(new Set(ALL.map(eventTypeCode)).size).toBe(ALL.length);
    for (const v of ['bogus', '', 'BATCH_END', 4, null, undefined, {}, Symbol('batch_end')]) expect(eventTypeCode(v)).toBe(-1);
  });
});

describe('CompressionLifecycle.event with a type that is not an EventType', () => {
  it('throws UnknownEventTypeError naming the value, and changes nothing', async () => {
    const { CompressionLifecycle } = await import('../../src/lifecycle/lifecycle.ts');
    const lc = new CompressionLifecycle();
    lc.initialize({});
    for (const bogus of ['bogus', 'Batch_Start', 'optim_step']) {
      expect(() => lc.event(bogus as EventType)).toThrow(UnknownEventTypeError);
      expect(() => lc.event(bogus as EventType)).toThrow(`"${bogus}"`);
    }
    expect(lc.lastEventType).toBe(EventType.BATCH_END);
    lc.event(EventType.BATCH_START); // still usable
    expect(lc.lastEventType).toBe(EventType.BATCH_START);
  });
});
