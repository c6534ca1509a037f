import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../../src/core/suggest.ts';
import { MagnitudePruningModifier, Recipe } from '../../src/index.ts';

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('strat', 'start')).toBe(1);
    expect(editDistance('quantise', 'quantize')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests only a close name', () => {
    expect(closestName('strat', ['index', 'group', 'start', 'end', 'update'])).toBe('start');
    expect(closestName('xyz', ['start', 'end'])).toBeNull();
    expect(didYouMean('fina_sparsity', ['init_sparsity', 'final_sparsity'])).toBe(" Did you mean 'final_sparsity'?");
    expect(didYouMean('zzz', ['start'])).toBe('');
  });

  it('a recipe field one typo away gets the suggestion appended to the spec message', () => {
    expect(() => new MagnitudePruningModifier({ strat: 0 } as never)).toThrow(
      "1 validation error for MagnitudePruningModifier\nstrat\n  Extra inputs are not permitted. Did you mean 'start'?",
    );
    const yaml = 'prune_stage:\n  pruning_modifiers:\n    MagnitudePruningModifier:\n      strat: 0\n';
    expect(() => Recipe.createInstance(yaml)).toThrow("Did you mean 'start'?");
    // Far from every field: the spec's text alone.
    expect(() => new MagnitudePruningModifier({ bogus_field: 1 } as never)).toThrow(/bogus_field\n {2}Extra inputs are not permitted$/);
  });
});
