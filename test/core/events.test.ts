/**
 * Event (lifecycle.md §1, §2, Q25): the spec's tables as data, checked row by row.
 */
import { describe, expect, it } from 'vitest';
import { Event, EventType, eventsEqual, pyRepr, pyStr, type EventInit } from '../../src/core/events.ts';
import { ValueError } from '../../src/core/errors.ts';

const E1 = 'Event is not epoch based';
const E3 = 'Event stepsPerEpoch is 0: cannot divide by zero';

describe('EventType (§1)', () => {
  it('declares the members in upstream order with their values', () => {
    // Arrange
    const expected: [string, string][] = [
      ['INITIALIZE', 'initialize'],
      ['FINALIZE', 'finalize'],
      ['BATCH_START', 'batch_start'],
      ['LOSS_CALCULATED', 'loss_calculated'],
      ['BATCH_END', 'batch_end'],
      ['CALIBRATION_EPOCH_START', 'calibration_epoch_start'],
      ['SEQUENTIAL_EPOCH_END', 'sequential_epoch_end'],
      ['CALIBRATION_EPOCH_END', 'calibration_epoch_end'],
      ['OPTIM_PRE_STEP', 'optim_pre_step'],
      ['OPTIM_POST_STEP', 'optim_post_step'],
    ];
    // Act
    const actual = Object.entries(EventType);
    // Assert
    expect(actual).toEqual(expected);
  });

  it('has no PRE_INIT member', () => {
    expect(Object.keys(EventType)).not.toContain('PRE_INIT');
  });
});

describe('pyStr / pyRepr (§0)', () => {
  const rows: [EventType, string, string][] = [
    [EventType.BATCH_END, 'EventType.BATCH_END', "<EventType.BATCH_END: 'batch_end'>"],
    [EventType.BATCH_START, 'EventType.BATCH_START', "<EventType.BATCH_START: 'batch_start'>"],
    [EventType.LOSS_CALCULATED, 'EventType.LOSS_CALCULATED', "<EventType.LOSS_CALCULATED: 'loss_calculated'>"],
    [EventType.INITIALIZE, 'EventType.INITIALIZE', "<EventType.INITIALIZE: 'initialize'>"],
    [EventType.CALIBRATION_EPOCH_START, 'EventType.CALIBRATION_EPOCH_START', "<EventType.CALIBRATION_EPOCH_START: 'calibration_epoch_start'>"],
  ];
  it.each(rows)('%s renders as %s and %s', (type, str, repr) => {
    expect(pyStr(type)).toBe(str);
    expect(pyRepr(type)).toBe(repr);
  });
});

describe('Event defaults (§2)', () => {
  it('defaults every field as upstream', () => {
    // Act
    const e = new Event();
    // Assert
    expect(e.type).toBeNull();
    expect(e.stepsPerEpoch).toBeNull();
    expect(e.batchesPerStep).toBeNull();
    expect(e.invocationsPerStep).toBe(1);
    expect(e.globalStep).toBe(0);
    expect(e.globalBatch).toBe(0);
    expect(e.epochBased).toBe(false);
  });

  it('is mutable', () => {
    const e = new Event();
    e.globalStep = 4;
    e.stepsPerEpoch = 2;
    expect(e.currentIndex).toBe(2);
  });

  it('treats stepsPerEpoch 0 as epoch based (Q25)', () => {
    expect(new Event({ stepsPerEpoch: 0 }).epochBased).toBe(true);
  });
});

type Derived = number | 'E1';
/** `event | epoch | epochFull | epochStep | epochBatch | currentIndex` — the §2 derived-values table. */
const DERIVED: [EventInit, Derived, Derived, Derived, Derived, number][] = [
  [{}, 'E1', 'E1', 'E1', 'E1', 0],
  [{ globalStep: 7 }, 'E1', 'E1', 'E1', 'E1', 7],
  [{ stepsPerEpoch: 10, globalStep: 25 }, 2, 2.5, 5, 0, 2.5],
  [{ stepsPerEpoch: 10, globalStep: 25, batchesPerStep: 2, globalBatch: 50 }, 2, 2.5, 5, 10, 2.5],
  [{ stepsPerEpoch: 10, globalStep: 25, globalBatch: 57 }, 2, 2.5, 5, 7, 2.5],
  [{ stepsPerEpoch: 4, globalStep: 10, batchesPerStep: 3, globalBatch: 31 }, 2, 2.5, 2, 7, 2.5],
  [{ stepsPerEpoch: 3, globalStep: -5 }, -2, -1.6666666666666667, 1, 0, -1.6666666666666667],
];

describe('derived values (§2 table)', () => {
  const members = ['epoch', 'epochFull', 'epochStep', 'epochBatch'] as const;
  it.each(DERIVED)('%j → epoch %s, epochFull %s, epochStep %s, epochBatch %s, currentIndex %s', (init, ...values) => {
    // Arrange
    const e = new Event(init);
    const currentIndex = values[4];
    // Act / Assert
    members.forEach((m, i) => {
      const want = values[i];
      if (want === 'E1') {
        expect(() => e[m]).toThrow(ValueError);
        expect(() => e[m]).toThrow(E1);
      } else {
        expect(e[m]).toBe(want);
      }
    });
    expect(e.currentIndex).toBe(currentIndex);
  });

  it('E1 is thrown as a ValueError with the exact text', () => {
    const e = new Event({ globalStep: 3 });
    let caught: unknown;
    try {
      void e.epoch;
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValueError);
    expect((caught as Error).message).toBe(E1);
    expect((caught as Error).name).not.toBe('');
  });

  it('epochBatch falls back to S when batchesPerStep is 0 (Q25)', () => {
    const e = new Event({ stepsPerEpoch: 10, globalStep: 25, batchesPerStep: 0, globalBatch: 57 });
    expect(e.epochBatch).toBe(7);
  });

  it('keeps currentIndex an integer when not epoch based', () => {
    expect(Number.isInteger(new Event({ globalStep: 7 }).currentIndex)).toBe(true);
  });
});

describe('stepsPerEpoch 0 → E3 (ours, Q25)', () => {
  const members = ['epoch', 'epochFull', 'epochStep', 'epochBatch', 'currentIndex'] as const;
  it.each(members)('%s throws E3', (m) => {
    const e = new Event({ stepsPerEpoch: 0, globalStep: 5 });
    expect(() => e[m]).toThrow(ValueError);
    expect(() => e[m]).toThrow(E3);
  });

  it('setting currentIndex throws E3', () => {
    const e = new Event({ stepsPerEpoch: 0 });
    expect(() => {
      e.currentIndex = 1;
    }).toThrow(E3);
  });

  it('shouldUpdate throws E3', () => {
    expect(() => new Event({ stepsPerEpoch: 0 }).shouldUpdate()).toThrow(E3);
  });
});

type Sched = [number | null, number | null, number | null];
/** `event | (start, end, update) | expected` — every shouldUpdate example of §2. */
const SHOULD_UPDATE: [EventInit, Sched, boolean][] = [
  [{ stepsPerEpoch: 10, globalStep: 25 }, [0, 30, 2.5], true],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [0, 20, 5], false],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [0, 30, 0], true],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [null, null, null], true],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [3, null, null], false],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [2.5, 2.5, null], true],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [null, 2.4, null], false],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [0, 30, -1], true],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [0, 30, 0.5], true],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [0, 30, 1.25], true],
  [{ stepsPerEpoch: 10, globalStep: 25 }, [0, 30, 1.0], false],
  [{ globalStep: 7 }, [0, null, 7], true],
  [{ globalStep: 7 }, [0, null, 2], false],
  [{ globalStep: 7 }, [8, null, null], false],
  [{ globalStep: 7 }, [null, 7, null], true],
  [{ globalStep: 7 }, [null, 6, null], false],
  [{ globalStep: -1 }, [null, null, 2.5], false],
];

describe('shouldUpdate (§2 examples)', () => {
  it.each(SHOULD_UPDATE)('%j shouldUpdate%j → %s', (init, [start, end, update], expected) => {
    // Arrange
    const e = new Event(init);
    // Act
    const actual = e.shouldUpdate(start, end, update);
    // Assert
    expect(actual).toBe(expected);
  });

  it('defaults all three arguments to null', () => {
    expect(new Event({ globalStep: 3 }).shouldUpdate()).toBe(true);
  });
});

/** `event | v | (globalStep, globalBatch)` — the §2 setter table. */
const SETTER: [EventInit, number, [number, number]][] = [
  [{}, 3.7, [3, 3]],
  [{ batchesPerStep: 4 }, 3.7, [3, 12]],
  [{ batchesPerStep: 1 }, 5, [5, 5]],
  [{ stepsPerEpoch: 10 }, 2.55, [25, 25]],
  [{ stepsPerEpoch: 10, batchesPerStep: 2 }, 1.5, [15, 30]],
  [{}, -2.7, [-2, -2]],
];

describe('currentIndex setter (§2 table)', () => {
  it.each(SETTER)('%j ← %s gives (globalStep, globalBatch) %j', (init, v, [g, gb]) => {
    // Arrange
    const e = new Event(init);
    // Act
    e.currentIndex = v;
    // Assert
    expect([e.globalStep, e.globalBatch]).toEqual([g, gb]);
  });

  it('treats batchesPerStep 0 like null (gb := g)', () => {
    const e = new Event({ batchesPerStep: 0 });
    e.currentIndex = 6;
    expect([e.globalStep, e.globalBatch]).toEqual([6, 6]);
  });
});

describe('newInstance (§2, Q25)', () => {
  it('keeps type and other fields, sets overrides and unknown keys', () => {
    // Arrange
    const original = new Event({ type: EventType.BATCH_END, stepsPerEpoch: 10, globalStep: 3, batchesPerStep: 2, globalBatch: 6 });
    // Act
    const copy = original.newInstance({ globalStep: 30, foo: 1 });
    // Assert
    expect(copy).toBeInstanceOf(Event);
    expect(copy).not.toBe(original);
    expect(copy.type).toBe(EventType.BATCH_END);
    expect(copy.stepsPerEpoch).toBe(10);
    expect(copy.batchesPerStep).toBe(2);
    expect(copy.globalBatch).toBe(6);
    expect(copy.invocationsPerStep).toBe(1);
    expect(copy.globalStep).toBe(30);
    expect(copy.foo).toBe(1);
    expect(copy.currentIndex).toBe(3);
  });

  it('leaves the original unchanged', () => {
    const original = new Event({ type: EventType.BATCH_START, globalStep: 3 });
    original.newInstance({ globalStep: 30, foo: 1 });
    expect(original.globalStep).toBe(3);
    expect(original.foo).toBeUndefined();
    expect(Object.keys(original)).not.toContain('foo');
  });

  it('is a deep copy: mutating the copy does not touch the original', () => {
    const original = new Event({ globalStep: 1 });
    (original as Record<string, unknown>).payload = { nested: [1, 2] };
    const copy = original.newInstance();
    (copy.payload as { nested: number[] }).nested.push(3);
    copy.globalStep = 9;
    expect((original.payload as { nested: number[] }).nested).toEqual([1, 2]);
    expect(original.globalStep).toBe(1);
  });

  it('without overrides is equal to the original', () => {
    const original = new Event({ type: EventType.OPTIM_PRE_STEP, stepsPerEpoch: 4, globalStep: 2 });
    expect(eventsEqual(original.newInstance(), original)).toBe(true);
  });
});

describe('equality (§2)', () => {
  const rows: [string, EventInit, EventInit, boolean][] = [
    ['defaults', {}, {}, true],
    ['all fields equal', { type: EventType.BATCH_END, stepsPerEpoch: 2, globalStep: 3 }, { type: EventType.BATCH_END, stepsPerEpoch: 2, globalStep: 3 }, true],
    ['different type', { type: EventType.BATCH_END }, { type: EventType.BATCH_START }, false],
    ['different step', { globalStep: 1 }, { globalStep: 2 }, false],
    ['different batchesPerStep', { batchesPerStep: 2 }, {}, false],
    ['different invocationsPerStep', { invocationsPerStep: 2 }, {}, false],
  ];
  it.each(rows)('%s → %s', (_name, a, b, expected) => {
    expect(eventsEqual(new Event(a), new Event(b))).toBe(expected);
  });

  it('an unknown key makes events unequal', () => {
    const a = new Event();
    expect(eventsEqual(a.newInstance({ foo: 1 }), a)).toBe(false);
  });
});

describe('no validation (Q25)', () => {
  it('stores anything it is given', () => {
    const e = new Event({ globalStep: -3.5, batchesPerStep: -1, invocationsPerStep: 0 });
    expect(e.globalStep).toBe(-3.5);
    expect(e.batchesPerStep).toBe(-1);
    expect(e.invocationsPerStep).toBe(0);
  });
});
