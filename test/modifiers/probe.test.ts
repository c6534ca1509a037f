import { describe, expect, it } from 'vitest';
import { CompressionLifecycle, EventType, Recipe } from '../../src/index.ts';
import { ProbeHookError, ProbeModifier } from '../../src/modifiers/probe.ts';

const recipe = (args: string) => `s_stage:\n  g_modifiers:\n    ProbeModifier: {${args}}\n`;

describe('ProbeModifier', () => {
  it('is built from recipe text (registered) and logs its hook calls', () => {
    // Arrange
    const lc = new CompressionLifecycle();
    // Act
    lc.initialize({ recipe: recipe('start: 0, end: 1') });
    lc.event(EventType.BATCH_END, { globalStep: 1 });
    // Assert
    const m = lc.recipe.modifiers[0] as ProbeModifier;
    expect(m).toBeInstanceOf(ProbeModifier);
    expect(m.hookLog.map((h) => h.hook)).toEqual(['onInitialize', 'onStart', 'onEvent', 'onEnd', 'onUpdate']);
    expect(m.phase).toBe('ended');
  });

  it('raises in the named hook, every time, and logs that it raised', () => {
    const lc = new CompressionLifecycle();
    lc.initialize({ recipe: recipe('raises_in: onEvent') });
    expect(() => lc.event(EventType.BATCH_START)).toThrow(ProbeHookError);
    expect(() => lc.event(EventType.CALIBRATION_EPOCH_START)).toThrow('ProbeModifier: onEvent raised (raises_in: onEvent)');
    expect((lc.recipe.modifiers[0] as ProbeModifier).hookLog.filter((h) => h.raised)).toHaveLength(2);
  });

  it('returns what initialize_returns says (Q6: the start check still runs)', () => {
    const m = Recipe.createInstance(recipe('start: 0, initialize_returns: false')).modifiers[0] as ProbeModifier;
    m.initialize(new CompressionLifecycle().state, {});
    expect([m.initialized, m.started]).toEqual([false, true]);
  });

  it('rejects an unknown hook name, naming the field', () => {
    expect(() => Recipe.createInstance(recipe('raises_in: onBogus'))).toThrow(/raises_in/);
  });

  it('dumps its fields under their Python names', () => {
    const m = new ProbeModifier({ start: 1, finalize_returns: false, raises_in: 'onStart' });
    expect(m.modelDump()).toMatchObject({ start: 1, initialize_returns: true, finalize_returns: false, raises_in: 'onStart' });
  });
});
