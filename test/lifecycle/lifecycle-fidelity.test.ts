/**
 * What the two fidelities do differently (lifecycle.md §0, §6.3 steps 4–7, §9.5; Q1, Q2, Q3) and
 * that a rejected call changes nothing in 'default'.
 */
import { describe, expect, it } from 'vitest';
import { CompressionLifecycle, type Fidelity } from '../../src/lifecycle/lifecycle.ts';
import { EventType } from '../../src/core/events.ts';
import { ValueError } from '../../src/core/errors.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import { FIDELITIES, T, started, thrown } from '../helpers/lifecycle.ts';

/** The Event the (single) test modifier received for the last call. */
function lastEvent(m: TestModifier) {
  return m.calls[m.calls.length - 1].event!;
}

describe('the Event a modifier receives (§6.3 step 7, Q1)', () => {
  /** `fidelity | initialize options | event options | event fields` */
  const ROWS: [Fidelity, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>][] = [
    ['reference', {}, { globalStep: 7 }, { type: T.s, globalStep: 0, stepsPerEpoch: null, batchesPerStep: null, globalBatch: 0, currentIndex: 0 }],
    ['reference', { stepsPerEpoch: 10, batchesPerStep: 2 }, { globalStep: 25 }, { globalStep: 0, stepsPerEpoch: null, batchesPerStep: null, globalBatch: 0, currentIndex: 0 }],
    ['default', {}, { globalStep: 7 }, { type: T.s, globalStep: 7, stepsPerEpoch: null, batchesPerStep: null, globalBatch: 7, currentIndex: 7 }],
    ['default', { stepsPerEpoch: 10 }, { globalStep: 25 }, { globalStep: 25, stepsPerEpoch: 10, batchesPerStep: null, globalBatch: 25, currentIndex: 2.5 }],
    ['default', { stepsPerEpoch: 10, batchesPerStep: 2 }, { globalStep: 25 }, { globalStep: 25, stepsPerEpoch: 10, batchesPerStep: 2, globalBatch: 50, currentIndex: 2.5 }],
    ['default', { batchesPerStep: 1 }, { globalStep: 3 }, { globalStep: 3, batchesPerStep: 1, globalBatch: 3, currentIndex: 3 }],
  ];
  it.each(ROWS)('%s, initialize %j, BATCH_START %j → %j', (fidelity, init, options, fields) => {
    // Arrange
    const { lifecycle, modifiers } = started(fidelity, [{}], init);
    // Act
    lifecycle.event(T.s, options);
    // Assert
    const e = lastEvent(modifiers[0]);
    for (const [k, v] of Object.entries(fields)) expect(e[k as keyof typeof e], k).toBe(v);
  });

  it("'default' remembers stepsPerEpoch/batchesPerStep given to a later initialize (Q4 path)", () => {
    const { lifecycle, modifiers } = started('default');
    lifecycle.initialize({ stepsPerEpoch: 4 });
    lifecycle.event(T.s, { globalStep: 2 });
    expect(lastEvent(modifiers[0]).currentIndex).toBe(0.5);
  });

  it("'default' forgets stepsPerEpoch after reset", () => {
    const { lifecycle } = started('default', [{}], { stepsPerEpoch: 4 });
    lifecycle.reset();
    const m = new TestModifier();
    lifecycle.initialize({ recipe: [m] });
    lifecycle.event(T.s, { globalStep: 2 });
    expect(lastEvent(m).stepsPerEpoch).toBeNull();
    expect(lastEvent(m).currentIndex).toBe(2);
  });

  /** `fidelity | modifier | hooks at BATCH_START step 2` — schedules work only in 'default' (Q1). */
  const SCHEDULES: [Fidelity, { start?: number; end?: number }, string[]][] = [
    ['default', { start: 2 }, ['onEvent', 'onStart', 'onUpdate']],
    ['reference', { start: 2 }, ['onEvent']],
  ];
  it.each(SCHEDULES)('%s: a modifier with %j at step 2', (fidelity, args, hooks) => {
    const { lifecycle, modifiers } = started(fidelity, [args]);
    lifecycle.event(T.s, { globalStep: 2 });
    expect(modifiers[0].hooks).toEqual(hooks);
  });
});

describe('the global step (§6.3 step 6, Q2)', () => {
  /** `fidelity | globalStep options of successive BATCH_END calls | lifecycle.globalStep after each` */
  const ROWS: [Fidelity, (number | null | undefined)[], number[]][] = [
    ['reference', [5, undefined], [5, 0]],
    ['reference', [5, null], [5, 5]],
    ['reference', [5, 6, undefined, 2], [5, 6, 0, 2]],
    ['default', [5, undefined], [5, 5]],
    ['default', [5, null], [5, 5]],
    ['default', [5, 6, undefined, 2], [5, 6, 6, 2]],
    ['default', [undefined], [0]],
  ];
  it.each(ROWS)('%s: steps %j → %j', (fidelity, steps, expected) => {
    // Arrange
    const { lifecycle } = started(fidelity);
    // Act
    const after = steps.map((g) => {
      lifecycle.event(T.e, g === undefined ? {} : { globalStep: g });
      return lifecycle.globalStep;
    });
    // Assert
    expect(after).toEqual(expected);
  });

  it('a non-number globalStep is a ValueError (ours)', () => {
    for (const fidelity of FIDELITIES) {
      const { lifecycle } = started(fidelity);
      expect(() => lifecycle.event(T.e, { globalStep: 'x' as never })).toThrow(ValueError);
    }
  });
});

describe('Q3: LOSS_CALCULATED rejected for its loss', () => {
  /** `fidelity | order state after the rejected LOSS | outcome of BATCH_START next` */
  const ROWS: [Fidelity, EventType, 'ok' | 'E45'][] = [
    ['reference', T.l, 'ok'],
    ['default', T.s, 'E45'],
  ];
  it.each(ROWS)('%s: after BATCH_START and a LOSS without loss, last is %s and BATCH_START is %s', (fidelity, last, next) => {
    // Arrange
    const { lifecycle } = started(fidelity);
    lifecycle.event(T.s);
    // Act
    const e46 = thrown(() => lifecycle.event(T.l));
    // Assert
    expect(e46.message).toBe('Loss must be provided for loss calculated event');
    expect(lifecycle.lastEventType).toBe(last);
    if (next === 'ok') expect(lifecycle.event(T.s)).toEqual([]);
    else expect(thrown(() => lifecycle.event(T.s)).message).toMatch(/^Lifecycle events must appear following order.*Instead, EventType\.BATCH_START was called before EventType\.BATCH_START$/);
  });

  it("'reference': the rejected LOSS also lets OPTIM_PRE_STEP follow a LOSS", () => {
    const { lifecycle } = started('reference');
    lifecycle.event(T.s);
    expect(() => lifecycle.event(T.l)).toThrow();
    expect(lifecycle.event(T.pre)).toEqual([]);
    expect(lifecycle.lastEventType).toBe(T.pre);
  });
});

describe("'default': a rejected call changes nothing", () => {
  /** `name | setup events | rejected call` */
  const ROWS: [string, EventType[], [EventType, Record<string, unknown>]][] = [
    ['E44', [T.s], [EventType.INITIALIZE, { globalStep: 9 }]],
    ['E45', [T.s, T.e], [T.l, { loss: 1, globalStep: 9 }]],
    ['E46', [T.s], [T.l, { globalStep: 9 }]],
    ['E46 (loss null)', [T.s, T.l], [T.l, { loss: null, globalStep: 9 }]],
  ];
  it.each(ROWS)('%s', (_n, setup, [type, options]) => {
    // Arrange
    const { lifecycle, modifiers } = started('default', [{ start: 0 }]);
    setup.forEach((t, i) => lifecycle.event(t, { loss: 1, globalStep: i + 1 }));
    modifiers[0].calls = [];
    const before = { step: lifecycle.globalStep, last: lifecycle.lastEventType, state: lifecycle.state, recipe: lifecycle.recipe };
    // Act
    expect(() => lifecycle.event(type, options)).toThrow(ValueError);
    // Assert
    expect({ step: lifecycle.globalStep, last: lifecycle.lastEventType, state: lifecycle.state, recipe: lifecycle.recipe }).toEqual(before);
    expect(lifecycle.state).toBe(before.state);
    expect(modifiers[0].calls).toEqual([]);
    expect([lifecycle.initialized, lifecycle.finalized]).toEqual([true, false]);
  });

  it('a rejected finalize changes nothing', () => {
    const lc = new CompressionLifecycle();
    expect(() => lc.finalize()).toThrow('Cannot finalize before initializing');
    expect([lc.initialized, lc.finalized]).toEqual([false, false]);
  });

  it("'reference' changes the order state on E46 and nothing else", () => {
    const { lifecycle, modifiers } = started('reference');
    lifecycle.event(T.s);
    modifiers[0].calls = [];
    expect(() => lifecycle.event(T.l, { globalStep: 9 })).toThrow();
    expect(lifecycle.globalStep).toBe(0);
    expect(lifecycle.lastEventType).toBe(T.l);
    expect(modifiers[0].calls).toEqual([]);
  });
});

describe('the §9.5 training loop', () => {
  const E = 2;
  const S = 4;
  const B = 2;

  /** Runs §9.5 steps 1–3 and returns, per modifier, the currentIndex of every event it saw. */
  function train(fidelity: Fidelity, args: { start?: number; end?: number }[]) {
    const lc = new CompressionLifecycle({ fidelity });
    const modifiers = args.map((a) => new TestModifier(a));
    const optimizer = { name: 'SimulatedSGD' };
    lc.initialize({ recipe: modifiers, model: { m: 1 }, optimizer, stepsPerEpoch: S, batchesPerStep: B });
    const startedAt: (number | null)[] = modifiers.map((m) => (m.started ? -1 : null));
    const endedAt: (number | null)[] = modifiers.map(() => null);
    const steps: number[] = [];
    for (let e = 0; e < E; e++) {
      for (let j = 0; j < S * B; j++) {
        const g = e * S + Math.floor(j / B);
        steps.push(g);
        lc.event(EventType.BATCH_START, { globalStep: g, batchData: [j] });
        lc.event(EventType.LOSS_CALCULATED, { globalStep: g, loss: 1 / (g + 1) });
        lc.event(EventType.OPTIM_PRE_STEP, { globalStep: g });
        lc.event(EventType.OPTIM_POST_STEP, { globalStep: g });
        lc.event(EventType.BATCH_END, { globalStep: g });
        modifiers.forEach((m, i) => {
          if (m.started && startedAt[i] === null) startedAt[i] = g;
          if (m.ended && endedAt[i] === null) endedAt[i] = g;
        });
      }
    }
    lc.finalize();
    const indices = modifiers.map((m) => m.calls.filter((c) => c.hook === 'onEvent').map((c) => c.event!.currentIndex));
    return { lc, modifiers, steps, indices, startedAt, endedAt };
  }

  it("'default': modifiers see currentIndex g / S on every event", () => {
    // Act
    const { steps, indices, lc } = train('default', [{}]);
    // Assert
    const expected = steps.flatMap((g) => Array(5).fill(g / S));
    expect(indices[0]).toEqual(expected);
    expect(lc.finalized).toBe(true);
    expect(lc.state.compressionReady).toBe(true);
  });

  it("'reference': modifiers see currentIndex 0 on every event", () => {
    const { indices } = train('reference', [{}]);
    expect(indices[0]).toEqual(Array(E * S * B * 5).fill(0));
  });

  /** `modifier schedule (epochs) | default: (started at g, ended at g) | reference: (started at g, ended at g)`; −1 = at initialize. */
  const SCHEDULES: [{ start?: number; end?: number }, [number | null, number | null], [number | null, number | null]][] = [
    [{ start: 0 }, [-1, null], [-1, null]],
    [{ start: 0.5, end: 1.5 }, [2, 6], [null, null]],
    [{ start: 1 }, [4, null], [null, null]],
    [{ end: 1 }, [null, 4], [null, null]],
    [{ start: 0, end: 0 }, [null, 0], [null, 0]],
    [{ start: -1, end: 1 }, [-1, 4], [-1, null]],
    [{ start: -1, end: 0 }, [null, 0], [null, 0]], // 0 < 0 fails: never starts, ends on the first BATCH_END (Q8)
  ];
  it.each(SCHEDULES)('schedule %j: default %j, reference %j (only start ≤ 0 starts in reference)', (args, dflt, ref) => {
    const d = train('default', [args]);
    const r = train('reference', [args]);
    expect([d.startedAt[0], d.endedAt[0]]).toEqual(dflt);
    expect([r.startedAt[0], r.endedAt[0]]).toEqual(ref);
  });

  it('the loss and batch data reach the hooks', () => {
    const { modifiers } = train('default', [{}]);
    const loss = modifiers[0].calls.find((c) => c.event?.type === EventType.LOSS_CALCULATED)!;
    const start = modifiers[0].calls.find((c) => c.event?.type === EventType.BATCH_START)!;
    expect(loss.kwargs.loss).toBe(1);
    expect(start.kwargs.batchData).toEqual([0]);
  });

  it("'default': globalBatch is g·B", () => {
    const { modifiers } = train('default', [{}]);
    const batches = modifiers[0].calls.filter((c) => c.hook === 'onEvent').map((c) => [c.event!.globalStep, c.event!.globalBatch]);
    for (const [g, gb] of batches) expect(gb).toBe(g * B);
  });
});
