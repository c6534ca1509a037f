/**
 * The lifecycle's event dispatch (§6.3 step 9): unrecorded, routine plans run without the executor
 * (`dispatchEvent`, the modifier's routine rows); recorded, every plan goes through it. Both must call
 * the same hooks with the same flags, and an overridden or replaced `updateEvent` is still the one called.
 */
import { describe, expect, it, vi } from 'vitest';
import { EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import type { LifecycleRecord } from '../../src/core/records.ts';
import { CalibrationTestModifier, TestModifier } from '../helpers/testModifier.ts';

const T = EventType;

/** A training run then a calibration epoch, each event as the lifecycle accepts them in order. */
const RUN: [EventType, Record<string, unknown>][] = [
  ...[0, 1, 2, 3, 4].flatMap((g): [EventType, Record<string, unknown>][] => [
    [T.BATCH_START, { globalStep: g, batchData: null }],
    [T.LOSS_CALCULATED, { globalStep: g, loss: 0.5 }],
    [T.OPTIM_PRE_STEP, { globalStep: g }],
    [T.OPTIM_POST_STEP, { globalStep: g }],
    [T.BATCH_END, { globalStep: g }],
  ]),
  [T.CALIBRATION_EPOCH_START, {}],
  [T.SEQUENTIAL_EPOCH_END, {}],
  [T.CALIBRATION_EPOCH_END, {}],
  [T.SEQUENTIAL_EPOCH_END, {}],
];

function recipe(): TestModifier[] {
  return [
    new TestModifier({ start: 0, end: null }),
    new TestModifier({ start: 1, end: 3 }),
    new TestModifier({ start: null, end: null }),
    new TestModifier({ start: 0, end: 0 }), // Q8: ended without starting
    new TestModifier({ start: 2, end: 2 }),
    new CalibrationTestModifier(),
  ];
}

/** Every hook call of every modifier, with the flags it began with and the event it saw. */
function traceOf(recording: boolean): { trace: unknown[]; records: LifecycleRecord[] } {
  const modifiers = recipe();
  const lc = new CompressionLifecycle();
  const records: LifecycleRecord[] = [];
  const sub = recording ? lc.records$.subscribe((r) => records.push(r)) : null;
  lc.initialize({ recipe: modifiers });
  for (const [type, options] of RUN) lc.event(type, options);
  lc.finalize();
  sub?.unsubscribe();
  const trace = modifiers.map((m) => m.calls.map((c) => [c.hook, c.event?.type ?? null, c.event?.globalStep ?? null, c.flags]));
  return { trace, records };
}

describe('event dispatch (§6.3 step 9)', () => {
  it('calls the same hooks with the same flags whether or not someone records', () => {
    // Arrange + Act
    const unrecorded = traceOf(false);
    const recorded = traceOf(true);
    // Assert
    expect(unrecorded.trace).toEqual(recorded.trace);
    const hooks = recorded.records.filter((r) => r.type === 'effect.hook').length;
    expect(hooks).toBe((recorded.trace as unknown[][]).reduce((n, calls) => n + calls.length, 0));
  });

  it('a modifier that starts itself in onEvent gets the rest of its new plan (onUpdate) unrecorded', () => {
    const m = new CalibrationTestModifier();
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: [m] });
    m.calls = [];
    lc.event(T.CALIBRATION_EPOCH_START);
    expect(m.hooks).toEqual(['onEvent', 'onStart', 'onUpdate']);
    expect(m.stateName).toBe('started');
  });

  it('a subscriber added during onEvent sees the onUpdate that follows', () => {
    // Arrange
    const m = new TestModifier({ start: 0 });
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: [m] });
    const records: LifecycleRecord[] = [];
    m.onEventBody = () => {
      m.onEventBody = null;
      lc.records$.subscribe((r) => records.push(r));
    };
    // Act
    lc.event(T.BATCH_START, { globalStep: 0 });
    // Assert
    expect(records.map((r) => (r.type === 'effect.hook' ? `${r.hook} ${r.eventType}` : r.type))).toEqual(['onUpdate batch_start']);
  });

  it('calls an updateEvent replaced on the instance (a spy) with the event and the context', () => {
    const m = new TestModifier({ start: 0 });
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: [m] });
    const spy = vi.spyOn(m, 'updateEvent');
    lc.event(T.BATCH_START, { globalStep: 3, batchData: 'b' });
    expect(spy).toHaveBeenCalledTimes(1);
    const [state, event, ctx] = spy.mock.calls[0];
    expect(state).toBeInstanceOf(State);
    expect([event.type, event.globalStep]).toEqual([T.BATCH_START, 3]);
    expect(ctx).toEqual({ batchData: 'b', fidelity: 'default' });
    expect(m.hooks.slice(-2)).toEqual(['onEvent', 'onUpdate']);
  });

  it('a hook that changes the shared event\'s type changes what the later modifiers see (as each reads it)', () => {
    // Arrange: the first modifier turns BATCH_START into BATCH_END for everyone after it.
    const first = new TestModifier({ start: 0 });
    const second = new TestModifier({ start: 0, end: 0 });
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: [first, second] });
    first.onEventBody = (_m, _s, event) => {
      event.type = T.BATCH_END;
    };
    second.calls = [];
    // Act
    lc.event(T.BATCH_START, { globalStep: 0 });
    // Assert: the second modifier saw a BATCH_END on schedule to end
    expect(second.hooks).toEqual(['onEvent', 'onEnd', 'onUpdate']);
    expect(second.stateName).toBe('endedWithoutStart');
  });

  it('a hook that breaks the shared context\'s fidelity makes the next modifier refuse it', () => {
    const first = new TestModifier({ start: 0 });
    const second = new TestModifier({ start: 0 });
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: [first, second] });
    first.onEventBody = (_m, _s, _e, ctx) => {
      (ctx as { fidelity: unknown }).fidelity = 'strict';
    };
    second.calls = [];
    expect(() => lc.event(T.BATCH_START, { globalStep: 0 })).toThrow(`kwargs.fidelity must be one of 'default', 'reference', got "strict"`);
    expect(second.hooks).toEqual([]);
  });
});
