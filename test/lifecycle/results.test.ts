/**
 * initialize, event and finalize return the modifiers' non-null results (lifecycle.md §6.1–§6.3,
 * "collect non-null results"); the base Modifier returns nothing, so a recipe of base modifiers
 * gives `[]`. Hooks get a typed context: the lifecycle's fidelity and the call's options, nothing else.
 */
import { describe, expect, it } from 'vitest';
import { Event, EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';
import { ValueError } from '../../src/core/errors.ts';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { FIDELITY_POLICIES } from '../../src/lifecycle/fidelityPolicy.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import { FIDELITIES, T } from '../helpers/lifecycle.ts';

/** A modifier that has something to report from each call (as an upstream subclass may). */
class ReportingModifier extends TestModifier {
  constructor(readonly tag: string | null) {
    super({ start: 0 });
  }
  override initialize(state: State, kwargs?: Record<string, unknown>): unknown {
    super.initialize(state, kwargs);
    return this.tag && `${this.tag}:initialize`;
  }
  override updateEvent(state: State, event: Event, kwargs?: Record<string, unknown>): unknown {
    super.updateEvent(state, event, kwargs);
    return this.tag && { tag: this.tag, type: event.type };
  }
  override finalize(state: State, kwargs?: Record<string, unknown>): unknown {
    super.finalize(state, kwargs);
    return this.tag === null ? undefined : 0; // 0 is not null: collected
  }
}

describe('non-null results (§6.1–§6.3)', () => {
  it('initialize, event and finalize collect the modifiers\' non-null results in recipe order', () => {
    // Arrange
    const lc = new CompressionLifecycle();
    const recipe = [new ReportingModifier('a'), new ReportingModifier(null), new TestModifier(), new ReportingModifier('b')];
    // Act + Assert
    expect(lc.initialize({ recipe })).toEqual(['a:initialize', 'b:initialize']);
    expect(lc.event(T.s)).toEqual([{ tag: 'a', type: EventType.BATCH_START }, { tag: 'b', type: EventType.BATCH_START }]);
    expect(lc.finalize()).toEqual([0, 0]);
  });

  it('base modifiers give []', () => {
    const lc = new CompressionLifecycle();
    expect(lc.initialize({ recipe: [new TestModifier({ start: 0 })] })).toEqual([]);
    expect(lc.event(T.s)).toEqual([]);
    expect(lc.finalize()).toEqual([]);
  });

  it('the base Modifier returns undefined from each call', () => {
    const m = new TestModifier({ start: 0 });
    expect(m.initialize(new State())).toBeUndefined();
    expect(m.updateEvent(new State(), new Event({ type: EventType.BATCH_START }))).toBeUndefined();
    expect(m.finalize(new State())).toBeUndefined();
  });
});

describe('typed hook context', () => {
  it.each(FIDELITIES)('under %s every hook gets the fidelity and the call\'s options, and no commitState', (fidelity) => {
    const lc = new CompressionLifecycle({ fidelity });
    const m = new TestModifier({ start: 0 });
    lc.initialize({ recipe: [m], seed: 7, foo: 1 });
    lc.event(T.s, { globalStep: 3 });
    lc.event(T.l, { loss: 2, globalStep: 3 });
    lc.finalize({ bar: true });
    for (const c of m.calls) {
      expect(c.kwargs.fidelity).toBe(fidelity);
      expect('commitState' in c.kwargs).toBe(false);
      expect('globalStep' in c.kwargs).toBe(false);
    }
    expect(m.calls[0].kwargs).toMatchObject({ seed: 7, foo: 1 });
    expect(m.calls.filter((c) => c.hook === 'onEvent').map((c) => c.kwargs.loss)).toEqual([undefined, 2]);
    expect(m.calls.find((c) => c.hook === 'onFinalize')!.kwargs.bar).toBe(true);
  });

  it('a modifier called directly gets \'default\'', () => {
    const m = new TestModifier();
    m.initialize(new State(), { x: 1 });
    expect(m.calls[0].kwargs).toEqual({ x: 1, fidelity: 'default' });
  });

  it('a fidelity that is not one is a ValueError naming it', () => {
    const m = new TestModifier();
    expect(() => m.initialize(new State(), { fidelity: 'exact' })).toThrow(ValueError);
    expect(() => m.initialize(new State(), { fidelity: 'exact' })).toThrow(`kwargs.fidelity must be one of 'default', 'reference', got "exact"`);
    expect(m.calls).toEqual([]);
  });
});

describe('fidelity policy (§6.3 steps 4–7, Q1–Q3)', () => {
  /** `fidelity | previous step | globalStep option | next step` */
  const STEPS: ['default' | 'reference', number, number | null | undefined, number][] = [
    ['reference', 5, undefined, 0], // Q2: a missing step resets to 0
    ['reference', 5, null, 5],
    ['reference', 5, 9, 9],
    ['default', 5, undefined, 5],
    ['default', 5, null, 5],
    ['default', 5, 9, 9],
  ];
  it.each(STEPS)('%s: step %s with option %s → %s', (fidelity, previous, option, next) => {
    expect(FIDELITY_POLICIES[fidelity].nextGlobalStep(previous, option)).toBe(next);
  });

  it('reference events carry no step (Q1); default events carry the clock and the global batch', () => {
    const ref = FIDELITY_POLICIES.reference.buildEvent(EventType.BATCH_START, 4, 10, 3);
    expect([ref.globalStep, ref.stepsPerEpoch, ref.currentIndex]).toEqual([0, null, 0]);
    const def = FIDELITY_POLICIES.default.buildEvent(EventType.BATCH_START, 4, 10, 3);
    expect([def.globalStep, def.stepsPerEpoch, def.batchesPerStep, def.globalBatch]).toEqual([4, 10, 3, 12]);
    expect(FIDELITY_POLICIES.default.buildEvent(EventType.BATCH_END, 4, 10, 1).globalBatch).toBe(4);
  });

  it('only reference records the order before the loss check (Q3) and only default remembers the epoch length', () => {
    expect(FIDELITY_POLICIES.reference.recordsOrderBeforeLossCheck).toBe(true);
    expect(FIDELITY_POLICIES.default.recordsOrderBeforeLossCheck).toBe(false);
    expect(FIDELITY_POLICIES.reference.remembersEpochLength).toBe(false);
    expect(FIDELITY_POLICIES.default.remembersEpochLength).toBe(true);
  });
});
