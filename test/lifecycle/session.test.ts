/**
 * CompressionSession, session scope and callbacks (lifecycle.md §7; Q22, Q23; E10, E44, E46; W2).
 */
import { describe, expect, it } from 'vitest';
import { CompressionSession, activeSession, createSession, resetSession } from '../../src/lifecycle/session.ts';
import { callbacks } from '../../src/lifecycle/callbacks.ts';
import { EventType } from '../../src/core/events.ts';
import { RuntimeError, ValueError } from '../../src/core/errors.ts';
import { Recipe } from '../../src/recipe/recipe.ts';
import { TestModifier } from '../helpers/testModifier.ts';
import { T, captureWarnings, thrown } from '../helpers/lifecycle.ts';

function sessionWith(...args: ConstructorParameters<typeof TestModifier>[0][]) {
  const session = new CompressionSession();
  const modifiers = args.map((a) => new TestModifier(a));
  const out = session.initialize({ recipe: modifiers });
  for (const m of modifiers) m.calls = [];
  return { session, modifiers, out };
}

describe('CompressionSession wrapping (§7)', () => {
  it('initialize returns the ModifiedState', () => {
    // Arrange
    const session = new CompressionSession();
    const model = { m: 1 };
    const optimizer = { o: 1 };
    // Act
    const out = session.initialize({ recipe: [new TestModifier()], model, optimizer });
    // Assert
    expect(out).toEqual({ model, optimizer, loss: null, modifierData: [] });
    expect(out.model).toBe(model);
    expect(session.state).toBe(session.lifecycle.state);
  });

  it('initialize defaults attachOptimCallbacks and copyData to true', () => {
    const session = new CompressionSession();
    const calib = [[1]];
    session.initialize({ optimizer: {}, calibData: calib });
    expect(session.state.optimWrapped).toBe(true);
    expect(session.state.data.calib).toEqual(calib);
    expect(session.state.data.calib).not.toBe(calib);
  });

  it('initialize forwards explicit copyData false and any extra keys to the modifiers', () => {
    const session = new CompressionSession();
    const m = new TestModifier();
    const calib = [[1]];
    session.initialize({ recipe: [m], calibData: calib, copyData: false, stepsPerEpoch: 3, extra: 'x' });
    expect(session.state.data.calib).toBe(calib);
    expect(m.calls[0].kwargs).toMatchObject({ extra: 'x', stepsPerEpoch: 3, copyData: false, attachOptimCallbacks: true });
  });

  it('initialize when already initialized gives empty modifierData (Q4)', () => {
    const { session } = sessionWith({});
    expect(session.initialize({ optimizer: { o: 1 } }).modifierData).toEqual([]);
  });

  it('finalize and event return the ModifiedState', () => {
    const { session } = sessionWith({});
    expect(session.event(T.s)).toEqual({ model: null, optimizer: null, loss: null, modifierData: [] });
    expect(session.finalize()).toEqual({ model: null, optimizer: null, loss: null, modifierData: [] });
    expect(session.lifecycle.finalized).toBe(true);
  });

  it('event always passes batchData and loss keys, null when absent (Q23)', () => {
    const { session, modifiers } = sessionWith({});
    session.event(T.ces);
    const kw = modifiers[0].calls[0].kwargs;
    expect(kw).toHaveProperty('loss', null);
    expect(kw).toHaveProperty('batchData', null);
  });

  it('event forwards the loss and batch data it is given', () => {
    const { session, modifiers } = sessionWith({});
    session.event(T.s, { batchData: [1] });
    session.event(T.l, { loss: 0.5 });
    expect(modifiers[0].calls[0].kwargs.batchData).toEqual([1]);
    expect(modifiers[0].calls[1].kwargs.loss).toBe(0.5);
  });

  it('a LOSS_CALCULATED without a loss reaches E46', () => {
    const { session } = sessionWith({});
    session.event(T.s);
    const err = thrown(() => session.event(T.l));
    expect(err).toBeInstanceOf(ValueError);
    expect(err.message).toBe('Loss must be provided for loss calculated event');
  });

  it('loss and batchData never enter State (Q23)', () => {
    const { session } = sessionWith({});
    session.event(T.s, { batchData: [1] });
    session.event(T.l, { loss: 0.5 });
    expect(session.state.loss).toBeNull();
    expect(session.state.batchData).toBeNull();
  });

  it('reset resets the lifecycle', () => {
    const { session, modifiers } = sessionWith({});
    session.reset();
    expect(modifiers[0].finalized).toBe(true);
    expect(session.lifecycle.initialized).toBe(false);
    expect(session.lifecycle.recipe.modifiers).toEqual([]);
  });
});

describe('resetStage (§7, Q22)', () => {
  it('forgets initialized/finalized and keeps recipe, state, step and order state', () => {
    // Arrange
    const model = { m: 1 };
    const session = new CompressionSession();
    session.initialize({ recipe: [new TestModifier()], model });
    session.event(T.s, { globalStep: 3 });
    session.finalize();
    const recipe = session.lifecycle.recipe;
    const state = session.state;
    // Act
    session.resetStage();
    // Assert
    expect([session.lifecycle.initialized, session.lifecycle.finalized]).toEqual([false, false]);
    expect(session.lifecycle.recipe).toBe(recipe);
    expect(session.state).toBe(state);
    expect(session.lifecycle.globalStep).toBe(3);
    expect(session.lifecycle.lastEventType).toBe(T.s);
  });

  it('re-initializing with the same Recipe object fails with E10', () => {
    // Arrange
    const session = new CompressionSession();
    const recipe = new Recipe({ modifiers: [new TestModifier()] });
    session.initialize({ recipe });
    session.resetStage();
    // Act
    const err = thrown(() => session.initialize({ recipe }));
    // Assert
    expect(err).toBeInstanceOf(RuntimeError);
    expect(err.message).toBe('Cannot initialize a modifier that has already been initialized');
    expect(session.lifecycle.initialized).toBe(false);
  });

  it('re-initializing with new modifiers works and keeps the order state', () => {
    const session = new CompressionSession();
    session.initialize({ recipe: [new TestModifier()] });
    session.event(T.s);
    session.resetStage();
    session.initialize({ recipe: [new TestModifier()] });
    expect(thrown(() => session.event(T.s)).message).toMatch(/^Lifecycle events must appear following order/);
  });
});

describe('session scope (§7)', () => {
  it('createSession runs fn with a new active session and restores the previous one', () => {
    // Arrange
    const outer = activeSession();
    // Act
    const inner = createSession((s) => {
      expect(activeSession()).toBe(s);
      return s;
    });
    // Assert
    expect(inner).not.toBe(outer);
    expect(activeSession()).toBe(outer);
  });

  it('returns what fn returns', () => {
    expect(createSession(() => 42)).toBe(42);
  });

  it('restores the previous session after a throw', () => {
    const outer = activeSession();
    expect(() =>
      createSession(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(activeSession()).toBe(outer);
  });

  it('scopes async work, across awaits', async () => {
    const outer = activeSession();
    const seen = await createSession(async (s) => {
      await new Promise((r) => setTimeout(r, 1));
      const a = activeSession();
      await Promise.resolve();
      return [s, a, activeSession()];
    });
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toBe(seen[2]);
    expect(activeSession()).toBe(outer);
  });

  it('concurrent scopes do not see each other', async () => {
    const results = await Promise.all(
      [0, 1].map((i) =>
        createSession(async (s) => {
          await new Promise((r) => setTimeout(r, 5 - i * 4));
          return activeSession() === s;
        }),
      ),
    );
    expect(results).toEqual([true, true]);
  });

  it('restores the previous session after an async rejection', async () => {
    const outer = activeSession();
    await expect(
      createSession(async () => {
        await Promise.resolve();
        throw new Error('async inside');
      }),
    ).rejects.toThrow('async inside');
    expect(activeSession()).toBe(outer);
  });

  it('nests', () => {
    createSession((a) => {
      createSession((b) => {
        expect(activeSession()).toBe(b);
      });
      expect(activeSession()).toBe(a);
    });
  });

  it('resetSession resets the active session', () => {
    createSession((s) => {
      const m = new TestModifier();
      s.initialize({ recipe: [m] });
      resetSession();
      expect(s.lifecycle.initialized).toBe(false);
      expect(m.finalized).toBe(true);
    });
  });

  it('outside any scope the global session is active and stable', () => {
    expect(activeSession()).toBe(activeSession());
  });
});

describe('callbacks (§7)', () => {
  it.each([EventType.INITIALIZE, EventType.FINALIZE])('event(%s) throws E44 before touching the session', (type) => {
    createSession((s) => {
      // The session is not initialized, so reaching it would give E42.
      const err = thrown(() => callbacks.event(type));
      expect(err).toBeInstanceOf(ValueError);
      expect(err.message).toBe(`Cannot invoke EventType.${type.toUpperCase()} event. Use the corresponding method instead.`);
      expect(s.lifecycle.initialized).toBe(false);
    });
  });

  it('event forwards to the active session', () => {
    createSession((s) => {
      const m = new TestModifier();
      s.initialize({ recipe: [m] });
      expect(callbacks.event(T.ces)).toEqual({ model: null, optimizer: null, loss: null, modifierData: [] });
      expect(m.calls.at(-1)!.event!.type).toBe(T.ces);
    });
  });

  /** `callback | type it fires` */
  const ROWS: [string, () => unknown, EventType][] = [
    ['batchStart', () => callbacks.batchStart({ batchData: [7] }), T.s],
    ['lossCalculated', () => callbacks.lossCalculated({ loss: 0.25 }), T.l],
    ['optimPreStep', () => callbacks.optimPreStep(), T.pre],
    ['optimPostStep', () => callbacks.optimPostStep(), T.post],
    ['batchEnd', () => callbacks.batchEnd(), T.e],
    ['calibrationEpochStart', () => callbacks.calibrationEpochStart(), T.ces],
    ['sequentialEpochEnd', () => callbacks.sequentialEpochEnd(['mod'], { extra: 1 }), T.see],
    ['calibrationEpochEnd', () => callbacks.calibrationEpochEnd(), T.cee],
  ];

  it('each callback fires its type, in a full step, and returns the ModifiedState', () => {
    createSession((s) => {
      // Arrange
      const m = new TestModifier();
      s.initialize({ recipe: [m], model: { m: 1 } });
      for (const [name, fire, type] of ROWS) {
        m.calls = [];
        // Act
        const out = fire() as Record<string, unknown>;
        // Assert
        expect(m.calls[0].event!.type, name).toBe(type);
        expect(Object.keys(out).sort(), name).toEqual(['loss', 'model', 'modifierData', 'optimizer']);
      }
    });
  });

  it('batchStart forwards batchData; lossCalculated forwards loss', () => {
    createSession((s) => {
      const m = new TestModifier();
      s.initialize({ recipe: [m] });
      m.calls = [];
      callbacks.batchStart({ batchData: [7] });
      callbacks.lossCalculated({ loss: 0.25 });
      expect(m.calls[0].kwargs.batchData).toEqual([7]);
      expect(m.calls[1].kwargs.loss).toBe(0.25);
    });
  });

  it('sequentialEpochEnd passes the modules and the options', () => {
    createSession((s) => {
      const m = new TestModifier();
      s.initialize({ recipe: [m] });
      m.calls = [];
      const modules = [{ name: 'model.layers.0' }];
      callbacks.sequentialEpochEnd(modules, { extra: 1 });
      expect(m.calls[0].kwargs.modules).toBe(modules);
      expect(m.calls[0].kwargs.extra).toBe(1);
    });
  });

  it('lossCalculated without a loss reaches E46', () => {
    createSession((s) => {
      s.initialize({ recipe: [new TestModifier()] });
      callbacks.batchStart();
      expect(thrown(() => callbacks.lossCalculated()).message).toBe('Loss must be provided for loss calculated event');
    });
  });
});

describe('getSerializedRecipe (§7)', () => {
  it('returns the recipe as YAML', () => {
    const session = new CompressionSession();
    session.initialize({ recipe: [new TestModifier({ start: 1 })] });
    const yaml = session.getSerializedRecipe();
    expect(typeof yaml).toBe('string');
    expect(yaml).toContain('TestModifier');
    expect(yaml).toBe(session.lifecycle.recipe.toYaml());
  });

  it('after a reset warns W2 and returns undefined', () => {
    const session = new CompressionSession();
    session.initialize({ recipe: [new TestModifier()] });
    session.reset();
    const { result, warnings } = captureWarnings(() => session.getSerializedRecipe());
    expect(result).toBeUndefined();
    expect(warnings).toEqual(['Recipe not found in session - it may have been reset']);
  });
});
