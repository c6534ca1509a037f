import { describe, expect, it } from 'vitest';
import { buildMatrix } from '../../src/compressed-tensors/transform/matrices.ts';
import { Rng } from '../../src/tensor/rng.ts';

function gram(m: Float64Array, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += m[i * n + k] * m[j * n + k];
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  return worst;
}

describe('random-matrix transforms (spinquant.md §8, S8)', () => {
  it("default fidelity draws an orthogonal matrix: M·Mᵀ = I", () => {
    const mat = buildMatrix('random-matrix', 48, 'float64', new Rng(7), 'orthogonal');
    if (mat.kind !== 'dense') throw new Error('expected a dense matrix');
    expect(gram(mat.m, 48)).toBeLessThan(1e-12);
  });

  it("'reference' draws upstream's uniform [0, 1) matrix, which is not orthogonal", () => {
    const mat = buildMatrix('random-matrix', 48, 'float64', new Rng(7), 'uniform');
    if (mat.kind !== 'dense') throw new Error('expected a dense matrix');
    expect(Math.min(...mat.m)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...mat.m)).toBeLessThan(1);
    expect(gram(mat.m, 48)).toBeGreaterThan(1);
  });

  it('is deterministic in its stream', () => {
    const a = buildMatrix('random-matrix', 16, 'float64', new Rng('s'), 'orthogonal');
    const b = buildMatrix('random-matrix', 16, 'float64', new Rng('s'), 'orthogonal');
    expect(a).toEqual(b);
  });
});
