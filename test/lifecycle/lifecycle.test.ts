/**
 * CompressionLifecycle behaviour shared by both fidelities (lifecycle.md §6.1–§6.5; Q4, Q5, Q9, Q11,
 * Q21, Q26; E40–E46; W1) and its records$ stream. Fidelity-specific rules are in
 * lifecycle-fidelity.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';
import { ValueError } from '../../src/core/errors.ts';
import { Recipe } from '../../src/recipe/recipe.ts';
import { ModifierFactory } from '../../src/modifiers/factory.ts';
import { EFFECT_SINK } from '../../src/modifiers/modifier.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import { FIDELITIES, T, captureRecords, captureWarnings, started, thrown } from '../helpers/lifecycle.ts';

const E45_LITERAL =
  "Lifecycle events must appear following order: [<EventType.BATCH_START: 'batch_start'>, <EventType.LOSS_CALCULATED: 'loss_calculated'>, <EventType.OPTIM_PRE_STEP: 'optim_pre_step'>, <EventType.OPTIM_POST_STEP: 'optim_post_step'>, <EventType.BATCH_END: 'batch_end'>]. Instead, EventType.BATCH_END was called before EventType.LOSS_CALCULATED";

beforeAll(() => {
  ModifierFactory.register('TestModifier', TestModifier);
});

describe.each(FIDELITIES)('fidelity %s', (fidelity) => {
  describe('fields (§6)', () => {
    it('start at their defaults', () => {
      const lc = new CompressionLifecycle({ fidelity });
      expect(lc.state).toBeInstanceOf(State);
      expect(lc.state.model).toBeNull();
      expect(lc.recipe).toBeInstanceOf(Recipe);
      expect(lc.recipe.modifiers).toEqual([]);
      expect([lc.initialized, lc.finalized, lc.globalStep]).toEqual([false, false, 0]);
      expect(lc.lastEventType).toBe(EventType.BATCH_END);
      expect(lc.fidelity).toBe(fidelity);
    });
  });

  describe('initialize (§6.1)', () => {
    it('initializes every modifier in order and returns the list', () => {
      // Arrange
      const lc = new CompressionLifecycle({ fidelity });
      const order: number[] = [];
      const ms = [0, 1, 2].map((i) => new TestModifier({}, { init: () => (order.push(i), true) }));
      // Act
      const result = lc.initialize({ recipe: ms });
      // Assert
      expect(result).toEqual([]);
      expect(order).toEqual([0, 1, 2]);
      expect(ms.every((m) => m.initialized)).toBe(true);
      expect(lc.initialized).toBe(true);
      expect(lc.recipe.modifiers).toEqual(ms);
    });

    it('updates the state from the options', () => {
      const lc = new CompressionLifecycle({ fidelity });
      const model = { m: 1 };
      lc.initialize({ model, device: 'cpu', calibData: [1] });
      expect(lc.state.model).toBe(model);
      expect(lc.state.hardware.device).toBe('cpu');
      expect(lc.state.data.calib).toEqual([1]);
    });

    it('Q4: when already initialized only updates the state and returns undefined', () => {
      // Arrange
      const { lifecycle, modifiers } = started(fidelity);
      const optimizer = { opt: 1 };
      // Act
      const result = lifecycle.initialize({ optimizer, recipe: [new TestModifier()] });
      // Assert
      expect(result).toBeUndefined();
      expect(lifecycle.state.optimizer).toBe(optimizer);
      expect(lifecycle.recipe.modifiers).toEqual(modifiers);
      expect(modifiers[0].calls).toEqual([]);
    });

    it('a falsy recipe gives an empty Recipe and ignores recipeArgs', () => {
      const lc = new CompressionLifecycle({ fidelity });
      expect(lc.initialize({ recipe: null, recipeArgs: { a: 1 } })).toEqual([]);
      expect(lc.recipe.modifiers).toEqual([]);
      expect(lc.recipe.args).toEqual({});
      expect(lc.initialized).toBe(true);
    });

    it('a Recipe object is used as is', () => {
      const lc = new CompressionLifecycle({ fidelity });
      const r = new Recipe({ modifiers: [new TestModifier()] });
      lc.initialize({ recipe: r });
      expect(lc.recipe).toBe(r);
    });

    it('Q5: recipeArgs are stored (as a copy) and nothing else', () => {
      const lc = new CompressionLifecycle({ fidelity });
      const args = { sparsity: 0.5 };
      lc.initialize({ recipe: [new TestModifier()], recipeArgs: args });
      expect(lc.recipe.args).toEqual(args);
      expect(lc.recipe.args).not.toBe(args);
    });

    it('recipeStage selects stages of a recipe text', () => {
      const lc = new CompressionLifecycle({ fidelity });
      const yaml = 'test_stage:\n  a_modifiers:\n    TestModifier: {start: 1}\nother_stage:\n  b_modifiers:\n    TestModifier: {start: 2}\n';
      lc.initialize({ recipe: yaml, recipeStage: 'test' });
      expect(lc.recipe.modifiers.map((m) => m.start)).toEqual([1]);
    });

    it('Q26: every option reaches every modifier; recipe options do not; start is otherwise ignored', () => {
      // Arrange
      const lc = new CompressionLifecycle({ fidelity });
      const ms = [new TestModifier(), new TestModifier({ start: 3 })];
      const model = { m: 1 };
      // Act
      lc.initialize({ recipe: ms, recipeArgs: { x: 1 }, model, start: 5, calibData: [1], foo: 'bar' });
      // Assert
      for (const m of ms) {
        const kw = m.calls[0].kwargs;
        expect(kw.model).toBe(model);
        expect(kw.start).toBe(5);
        expect(kw.calibData).toEqual([1]);
        expect(kw.foo).toBe('bar');
        expect(kw.fidelity).toBe(fidelity);
        expect(kw).not.toHaveProperty('recipe');
        expect(kw).not.toHaveProperty('recipeArgs');
        expect(kw).not.toHaveProperty('recipeStage');
      }
      expect(ms[1].start).toBe(3);
      expect(ms[1].started).toBe(false);
      expect(lc.globalStep).toBe(0);
    });

    it('a throw propagates; earlier modifiers stay initialized; the lifecycle stays uninitialized', () => {
      // Arrange
      const lc = new CompressionLifecycle({ fidelity });
      const ms = [new TestModifier(), new TestModifier({}, { init: () => { throw new Error('boom'); } }), new TestModifier()];
      // Act
      const err = thrown(() => lc.initialize({ recipe: ms }));
      // Assert
      expect(err.message).toBe('boom');
      expect(ms.map((m) => m.initialized)).toEqual([true, false, false]);
      expect(ms[2].calls).toEqual([]);
      expect(lc.initialized).toBe(false);
    });
  });

  describe('finalize (§6.2, Q9)', () => {
    it('E40 before initialize', () => {
      const err = thrown(() => new CompressionLifecycle({ fidelity }).finalize());
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe('Cannot finalize before initializing');
    });

    it('E41 the second time', () => {
      const { lifecycle } = started(fidelity);
      lifecycle.finalize();
      const err = thrown(() => lifecycle.finalize());
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe('Cannot finalize more than once');
    });

    it('finalizes every modifier with the options and returns the list', () => {
      // Arrange
      const { lifecycle, modifiers } = started(fidelity, [{}, {}]);
      // Act
      const result = lifecycle.finalize({ x: 1 });
      // Assert
      expect(result).toEqual([]);
      expect(lifecycle.finalized).toBe(true);
      for (const m of modifiers) {
        expect(m.hooks).toEqual(['onFinalize']);
        expect(m.calls[0].kwargs.x).toBe(1);
        expect(m.finalized).toBe(true);
      }
    });

    it('Q9: does not check that started modifiers ended, and calls no onEnd', () => {
      const { lifecycle, modifiers } = started(fidelity, [{ start: 0 }]);
      expect(modifiers[0].started).toBe(true);
      lifecycle.finalize();
      expect(modifiers[0].hooks).toEqual(['onFinalize']);
      expect(modifiers[0].ended).toBe(false);
    });
  });

  describe('event checks (§6.3 steps 1–5)', () => {
    it('E42 before initialize, even for a reserved type', () => {
      const lc = new CompressionLifecycle({ fidelity });
      for (const t of [T.s, EventType.INITIALIZE]) {
        const err = thrown(() => lc.event(t));
        expect(err).toBeInstanceOf(ValueError);
        expect(err.message).toBe('Cannot invoke event before initializing');
      }
    });

    it('E43 after finalize, even for a reserved type', () => {
      const { lifecycle } = started(fidelity);
      lifecycle.finalize();
      for (const t of [T.s, EventType.FINALIZE]) {
        expect(thrown(() => lifecycle.event(t)).message).toBe('Cannot invoke event after finalizing');
      }
    });

    it.each([
      [EventType.INITIALIZE, 'Cannot invoke EventType.INITIALIZE event. Use the corresponding method instead.'],
      [EventType.FINALIZE, 'Cannot invoke EventType.FINALIZE event. Use the corresponding method instead.'],
    ])('E44 for %s', (type, text) => {
      const { lifecycle, modifiers } = started(fidelity);
      const err = thrown(() => lifecycle.event(type));
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe(text);
      expect(modifiers[0].calls).toEqual([]);
    });

    it('E45: the literal example', () => {
      // Arrange
      const { lifecycle } = started(fidelity);
      lifecycle.event(T.s);
      lifecycle.event(T.e);
      // Act
      const err = thrown(() => lifecycle.event(T.l, { loss: 1 }));
      // Assert
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe(E45_LITERAL);
    });

    it('E45 is checked before E46', () => {
      const { lifecycle } = started(fidelity);
      expect(thrown(() => lifecycle.event(T.l)).message).toMatch(/^Lifecycle events must appear following order/);
    });

    it.each([
      ['no loss key', {}],
      ['loss undefined', { loss: undefined }],
      ['loss null', { loss: null }],
    ])('E46 with %s', (_n, options) => {
      const { lifecycle } = started(fidelity);
      lifecycle.event(T.s);
      const err = thrown(() => lifecycle.event(T.l, options));
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe('Loss must be provided for loss calculated event');
    });

    it('a loss of 0 is a loss', () => {
      const { lifecycle } = started(fidelity);
      lifecycle.event(T.s);
      expect(lifecycle.event(T.l, { loss: 0 })).toEqual([]);
    });

    it('a rejected call reaches no modifier', () => {
      const { lifecycle, modifiers } = started(fidelity);
      expect(() => lifecycle.event(EventType.INITIALIZE)).toThrow();
      expect(() => lifecycle.event(T.pre)).toThrow();
      expect(modifiers[0].calls).toEqual([]);
    });
  });

  describe('event order through the lifecycle (§6.4, Q11)', () => {
    /** `sequence | index of the call that fails, or -1` (calls after initialize; LOSS carries a loss). */
    const SEQUENCES: [string, EventType[], number][] = [
      ['first ordered event may be BATCH_START', [T.s], -1],
      ['first ordered event may be BATCH_END', [T.e], -1],
      ['first ordered event may not be LOSS', [T.l], 0],
      ['first ordered event may not be OPTIM_PRE_STEP', [T.pre], 0],
      ['full step', [T.s, T.l, T.pre, T.post, T.e], -1],
      ['repeats are fine except BATCH_START', [T.s, T.l, T.l, T.e, T.e], -1],
      ['BATCH_START twice', [T.s, T.s], 1],
      ['skipping steps', [T.s, T.e], -1],
      ['BATCH_START mid-batch', [T.s, T.l, T.pre, T.s], -1],
      ['calibration events never affect ordering', [T.s, T.ces, T.l], -1],
      ['calibration events are accepted anywhere', [T.ces, T.see, T.see, T.cee], -1],
      ['calibration between BATCH_STARTs does not help', [T.s, T.ces, T.s], 2],
      ['LOSS after OPTIM_PRE_STEP', [T.s, T.pre, T.l], 2],
      ['LOSS after BATCH_END', [T.s, T.e, T.l], 2],
      ['OPTIM_PRE_STEP after OPTIM_POST_STEP', [T.s, T.post, T.pre], 2],
      ['two steps', [T.s, T.l, T.pre, T.post, T.e, T.s, T.l, T.pre, T.post, T.e], -1],
    ];
    it.each(SEQUENCES)('%s', (_n, seq, failAt) => {
      // Arrange
      const { lifecycle } = started(fidelity);
      // Act
      const outcomes = seq.map((t) => {
        try {
          lifecycle.event(t, { loss: 1 });
          return 'ok';
        } catch (e) {
          return (e as Error).message.startsWith('Lifecycle events must appear following order') ? 'E45' : 'other';
        }
      });
      // Assert
      const expected = seq.map((_, i) => (i === failAt ? 'E45' : 'ok'));
      expect(outcomes).toEqual(expected);
    });

    it('a rejected type leaves the order state as it was', () => {
      const { lifecycle } = started(fidelity);
      lifecycle.event(T.s);
      lifecycle.event(T.pre);
      expect(() => lifecycle.event(T.l, { loss: 1 })).toThrow();
      expect(lifecycle.lastEventType).toBe(T.pre);
      expect(lifecycle.event(T.post)).toEqual([]);
    });
  });

  describe('event dispatch (§6.3 step 8)', () => {
    it('calls updateEvent on every modifier with the options minus globalStep', () => {
      // Arrange
      const { lifecycle, modifiers } = started(fidelity, [{}, {}]);
      const batch = [1, 2];
      // Act
      const result = lifecycle.event(T.see, { globalStep: 4, loss: 2, batchData: batch, modules: ['a'] });
      // Assert
      expect(result).toEqual([]);
      for (const m of modifiers) {
        const kw = m.calls[0].kwargs;
        expect(m.hooks).toEqual(['onEvent']);
        expect(m.calls[0].event!.type).toBe(T.see);
        expect(kw).not.toHaveProperty('globalStep');
        expect([kw.loss, kw.batchData, kw.modules, kw.fidelity]).toEqual([2, batch, ['a'], fidelity]);
      }
    });

    it('a modifier error propagates after earlier modifiers ran', () => {
      const { lifecycle, modifiers } = started(fidelity, [{}, {}]);
      modifiers[0].onEventBody = () => {
        throw new Error('hook failed');
      };
      expect(thrown(() => lifecycle.event(T.ces)).message).toBe('hook failed');
      expect(modifiers[1].calls).toEqual([]);
    });

    it('modifiers that failed to initialize make event fail with E14 (RuntimeError)', () => {
      const lc = new CompressionLifecycle({ fidelity });
      lc.initialize({ recipe: [new TestModifier({}, { init: false })] });
      expect(thrown(() => lc.event(T.ces)).message).toBe('Cannot update an uninitialized modifier');
    });
  });

  describe('reset (§6.5, Q21)', () => {
    it('finalizes initialized, not finalized modifiers and returns every field to its default', () => {
      // Arrange
      const lc = new CompressionLifecycle({ fidelity });
      const active = new TestModifier();
      const failedInit = new TestModifier({}, { init: false });
      lc.initialize({ recipe: [active, failedInit], model: { m: 1 }, stepsPerEpoch: 10 });
      // Act
      lc.reset();
      // Assert
      expect(active.hooks).toContain('onFinalize');
      expect(active.finalized).toBe(true);
      expect(failedInit.hooks).not.toContain('onFinalize');
      expect(lc.state.model).toBeNull();
      expect(lc.recipe.modifiers).toEqual([]);
      expect([lc.initialized, lc.finalized, lc.globalStep]).toEqual([false, false, 0]);
      expect(lc.lastEventType).toBe(T.e);
      expect(lc.fidelity).toBe(fidelity);
    });

    it('clears the step and the order state', () => {
      const { lifecycle } = started(fidelity);
      lifecycle.event(T.s, { globalStep: 3 });
      lifecycle.reset();
      expect(lifecycle.globalStep).toBe(0);
      expect(lifecycle.lastEventType).toBe(T.e);
    });

    it('does not finalize already finalized modifiers', () => {
      const { lifecycle, modifiers } = started(fidelity);
      lifecycle.finalize();
      modifiers[0].calls = [];
      lifecycle.reset();
      expect(modifiers[0].calls).toEqual([]);
    });

    it('Q21: swallows finalize errors and logs W1, finalizing the others', () => {
      // Arrange
      const lc = new CompressionLifecycle({ fidelity });
      const bad = new TestModifier({}, { finalize: () => { throw new Error('boom'); } });
      const good = new TestModifier();
      lc.initialize({ recipe: [bad, good] });
      // Act
      const { warnings } = captureWarnings(() => lc.reset());
      // Assert
      expect(warnings).toEqual(['Exception during finalizing modifier: boom']);
      expect(good.finalized).toBe(true);
      expect(lc.initialized).toBe(false);
    });

    it('after reset the lifecycle can be initialized again', () => {
      const { lifecycle } = started(fidelity);
      lifecycle.reset();
      const m = new TestModifier();
      expect(lifecycle.initialize({ recipe: [m] })).toEqual([]);
      expect(m.initialized).toBe(true);
      expect(lifecycle.event(T.s)).toEqual([]);
    });

    it('reset on a fresh lifecycle is harmless', () => {
      const lc = new CompressionLifecycle({ fidelity });
      expect(() => lc.reset()).not.toThrow();
      expect(lc.initialized).toBe(false);
    });
  });

  describe('records$', () => {
    it('a call record precedes its effects (initialize)', () => {
      // Arrange
      const lc = new CompressionLifecycle({ fidelity });
      const m = new TestModifier({ start: 0 });
      // Act
      const records = captureRecords(lc, () => lc.initialize({ recipe: [m] }));
      // Assert
      expect(records.map((r) => r.type)).toEqual(['call.initialize', 'effect.hook', 'effect.transition', 'effect.hook', 'effect.transition']);
      expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(records[1]).toMatchObject({ type: 'effect.hook', hook: 'onInitialize', position: 0, modifierType: 'TestModifier', eventType: null });
      expect(records[2]).toMatchObject({ type: 'effect.transition', flag: 'initialized', from: 'uninitialized', to: 'initialized' });
      expect(records[3]).toMatchObject({ type: 'effect.hook', hook: 'onStart', eventType: T.s });
      expect(records[4]).toMatchObject({ type: 'effect.transition', flag: 'started', from: 'initialized', to: 'started' });
    });

    it('a call record precedes its effects (event)', () => {
      const { lifecycle } = started(fidelity, [{ start: 0, end: 0 }]);
      const records = captureRecords(lifecycle, () => lifecycle.event(T.e));
      expect(records.map((r) => (r.type === 'effect.hook' ? `hook:${r.hook}` : r.type))).toEqual([
        'call.event', 'hook:onEvent', 'hook:onEnd', 'effect.transition', 'hook:onUpdate',
      ]);
      expect(records[0]).toMatchObject({ type: 'call.event', eventType: T.e });
      expect(records[3]).toMatchObject({ flag: 'ended', from: 'initialized', to: 'ended' });
    });

    it('a call record precedes its effects (finalize)', () => {
      const { lifecycle } = started(fidelity);
      const records = captureRecords(lifecycle, () => lifecycle.finalize());
      expect(records.map((r) => r.type)).toEqual(['call.finalize', 'effect.hook', 'effect.transition']);
      expect(records[2]).toMatchObject({ flag: 'finalized', to: 'finalized' });
    });

    it('a rejected call is recorded as call.rejected, with no call record', () => {
      const { lifecycle } = started(fidelity);
      const records = captureRecords(lifecycle, () => lifecycle.event(T.l, { loss: 1 }));
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ type: 'call.rejected', call: 'event', eventType: T.l, error: { code: 'E45' } });
    });

    it('reset records the call and the W1 warning', () => {
      const lc = new CompressionLifecycle({ fidelity });
      lc.initialize({ recipe: [new TestModifier({}, { finalize: () => { throw new Error('boom'); } })] });
      const records = captureWarnings(() => captureRecords(lc, () => lc.reset())).result;
      expect(records[0].type).toBe('call.reset');
      expect(records.find((r) => r.type === 'effect.warning')).toMatchObject({ code: 'W1', message: 'Exception during finalizing modifier: boom' });
    });

    it('no records are built while nobody subscribes', () => {
      // Arrange
      const { lifecycle, modifiers } = started(fidelity);
      // Assert: no effect sink is installed
      expect(modifiers[0][EFFECT_SINK]).toBeNull();
      // Act: subscribe, then unsubscribe
      const sub = lifecycle.records$.subscribe(() => {});
      expect(modifiers[0][EFFECT_SINK]).not.toBeNull();
      sub.unsubscribe();
      // Assert
      expect(modifiers[0][EFFECT_SINK]).toBeNull();
    });

    it('records from before a subscription are not replayed', () => {
      const { lifecycle } = started(fidelity);
      lifecycle.event(T.s);
      const records = captureRecords(lifecycle, () => lifecycle.event(T.e));
      expect(records[0]).toMatchObject({ type: 'call.event', eventType: T.e });
    });
  });
});
