import { describe, expect, it } from 'vitest';
import { CompressionLifecycle, createSyntheticModel, MagnitudePruningModifier, simulateTraining } from '../../../src/index.ts';
import { interpolateSparsity, sparsityOf } from '../../../src/modifiers/pruning/masks.ts';
import { ConflictingInterpolationError } from '../../../src/modifiers/pruning/magnitude.ts';
import { setWarningSink } from '../../../src/core/logger.ts';
import type { Linear } from '../../../src/model/modules.ts';
import type { Fidelity } from '../../../src/core/fidelity.ts';

const small = () => createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 64 });

/** The `target` sparsities a run recorded, in order, and the final sparsity of q_proj. */
function schedule(args: Record<string, unknown>, fidelity: Fidelity = 'default', epochs = 3) {
  const model = small();
  const lifecycle = new CompressionLifecycle({ fidelity });
  const targets: number[] = [];
  const kinds: string[] = [];
  lifecycle.records$.subscribe((r) => {
    if (r.type !== 'effect.modifier') return;
    kinds.push(r.kind);
    if (r.kind === 'pruning.sparsity') targets.push((r.data as { target: number }).target);
  });
  const warnings: string[] = [];
  const prev = setWarningSink((m) => warnings.push(m));
  try {
    const prune = new MagnitudePruningModifier({ targets: ['re:.*q_proj$'], init_sparsity: 0.1, final_sparsity: 0.5, start: 0, end: 2, update: 0.5, ...args });
    simulateTraining({ recipe: [prune], model, epochs, stepsPerEpoch: 2, seed: 4, lifecycle });
  } finally {
    setWarningSink(prev);
  }
  const q = model.getModule('model.layers.0.self_attn.q_proj') as Linear;
  return { targets, kinds, warnings, final: sparsityOf(q.weight.data) };
}

// Updates at epochs 0, 0.5, 1, 1.5 and the end at 2: progress 0, ¼, ½, ¾, 1 from 10% to 50%.
// Hand-computed: linear 0.1 + 0.4·p; cubic 0.1 + 0.4·(1 − (1 − p)³); inverse_cubic 0.1 + 0.4·(1 − (1 − p)^⅓).
const HAND = {
  linear: [0.1, 0.2, 0.3, 0.4, 0.5],
  cubic: [0.1, 0.33125, 0.45, 0.49375, 0.5],
  inverse_cubic: [0.1, 0.136575, 0.182520, 0.248016, 0.5],
};

describe('MagnitudePruningModifier schedules (hand-computed)', () => {
  for (const [kind, expected] of Object.entries(HAND)) {
    it(`${kind}: the recorded targets follow the schedule`, () => {
      const { targets } = schedule({ interpolation: kind });
      expect(targets).toHaveLength(expected.length);
      targets.forEach((t, i) => expect(t).toBeCloseTo(expected[i], 5));
    });
  }

  it('update_scheduler takes the same values; cubic is the default, as upstream', () => {
    expect(schedule({ update_scheduler: 'inverse_cubic' }).targets).toEqual(schedule({ interpolation: 'inverse_cubic' }).targets);
    expect(schedule({}).targets).toEqual(schedule({ update_scheduler: 'cubic' }).targets);
  });

  it('interpolateSparsity clamps progress outside [0, 1]', () => {
    for (const kind of ['linear', 'cubic', 'inverse_cubic'] as const) {
      expect(interpolateSparsity(0.1, 0.5, -1, kind)).toBeCloseTo(0.1);
      expect(interpolateSparsity(0.1, 0.5, 3, kind)).toBeCloseTo(0.5);
    }
  });

  it('rejects an unknown interpolation and a conflicting pair, naming them', () => {
    expect(() => new MagnitudePruningModifier({ interpolation: 'quadratic' })).toThrow(
      "1 validation error for MagnitudePruningModifier\ninterpolation\n  Input should be 'linear', 'cubic', 'inverse_cubic' (got \"quadratic\")",
    );
    expect(() => schedule({ interpolation: 'linear', update_scheduler: 'inverse_cubic' })).toThrow(ConflictingInterpolationError);
  });
});

describe('MagnitudePruningModifier masks after end (leave_enabled)', () => {
  it('by default releases the masks at end, as upstream: later optimizer steps revive the weights', () => {
    // 20 steps after the end, each nudging a quarter of the weights: (3/4)^20 ≈ 0.3% of the zeros are left.
    const { final, kinds, warnings } = schedule({}, 'default', 12);
    expect(kinds.at(-1)).toBe('pruning.release');
    expect(final).toBeLessThan(0.01);
    expect(warnings).toEqual([]);
  });

  it('leave_enabled: true holds the final sparsity after end, with a warning that upstream ignores it', () => {
    const { final, kinds, warnings } = schedule({ leave_enabled: true }, 'default', 12);
    expect(kinds).not.toContain('pruning.release');
    expect(final).toBeCloseTo(0.5, 2);
    expect(warnings).toEqual([expect.stringContaining('MagnitudePruningModifier.leave_enabled has been deprecated and will be set to False.')]);
  });

  it("'reference' fidelity ignores leave_enabled: true as LLM Compressor does (and says so)", () => {
    // (In 'reference' no training event carries a step (Q1), so `end` never comes; the warning is what shows.)
    const { warnings } = schedule({ leave_enabled: true }, 'reference', 4);
    expect(warnings[0]).toContain('released at `end`, as in LLM Compressor');
  });
});
