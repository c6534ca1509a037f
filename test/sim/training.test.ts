import { describe, expect, it } from 'vitest';
import { EventType, Modifier, simulateTraining, trainingCalls, ValueError } from '../../src/index.ts';
import type { State } from '../../src/index.ts';

class Probe extends Modifier {
  protected override onInitialize(_s: State): boolean {
    return true;
  }
}

describe('training simulator (lifecycle.md §9.5)', () => {
  it('fires the five ordered events per micro-batch with g = e·S + floor(j / B)', () => {
    const calls = [...trainingCalls({ recipe: [], epochs: 2, stepsPerEpoch: 2, batchesPerStep: 2 })];
    expect(calls[0].call).toBe('initialize');
    expect(calls.at(-1)!.call).toBe('finalize');
    const events = calls.filter((c) => c.call === 'event') as Array<{ type: EventType; options: { globalStep: number } }>;
    expect(events).toHaveLength(2 * 2 * 2 * 5);
    expect(events.slice(0, 5).map((e) => e.type)).toEqual([
      EventType.BATCH_START, EventType.LOSS_CALCULATED, EventType.OPTIM_PRE_STEP, EventType.OPTIM_POST_STEP, EventType.BATCH_END,
    ]);
    const steps = events.filter((e) => e.type === EventType.BATCH_START).map((e) => e.options.globalStep);
    expect(steps).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('is deterministic in its seed (loss curve)', () => {
    const losses = (seed: number) =>
      [...trainingCalls({ recipe: [], epochs: 1, stepsPerEpoch: 3, seed })]
        .filter((c) => c.call === 'event' && c.type === EventType.LOSS_CALCULATED)
        .map((c) => (c as { options: { loss: number } }).options.loss);
    expect(losses(1)).toEqual(losses(1));
    expect(losses(1)).not.toEqual(losses(2));
  });

  it('in default fidelity modifiers follow their schedule in epochs; in reference only start ≤ 0 starts', () => {
    const run = (fidelity: 'default' | 'reference') => {
      const late = new Probe({ start: 1, end: 2 });
      const early = new Probe({ start: 0, end: 1 });
      simulateTraining({ recipe: [late, early], epochs: 3, stepsPerEpoch: 2, fidelity });
      return [late, early].map((m) => [m.started, m.ended]);
    };
    expect(run('default')).toEqual([[true, true], [true, true]]);
    expect(run('reference')).toEqual([[false, false], [true, false]]);
  });

  it('rejects impossible counts with the option named', () => {
    expect(() => [...trainingCalls({ recipe: [], epochs: 1, stepsPerEpoch: 0 })]).toThrow(ValueError);
    expect(() => [...trainingCalls({ recipe: [], epochs: 1.5, stepsPerEpoch: 2 })]).toThrow('training: epochs must be an integer ≥ 0, got 1.5');
  });
});

describe('training simulator options', () => {
  it('missing options are a ValueError naming the call; an unknown key is E30 (extra="forbid")', () => {
    expect(() => [...trainingCalls(undefined as never)]).toThrow(ValueError);
    expect(() => [...trainingCalls(undefined as never)]).toThrow('trainingCalls() takes an options object, got undefined');
    expect(() => simulateTraining(null as never)).toThrow('simulateTraining() takes an options object, got null');
    expect(() => [...trainingCalls({ recipe: [], epochs: 1, stepsPerEpoch: 1, batches_per_step: 2 } as never)]).toThrow(
      '1 validation error for trainingCalls\nbatches_per_step\n  Extra inputs are not permitted',
    );
    expect(() => simulateTraining({ recipe: [], epochs: 1, stepsPerEpoch: 1, fidelty: 'reference' } as never)).toThrow(
      '1 validation error for simulateTraining\nfidelty\n  Extra inputs are not permitted',
    );
  });
});

