import { describe, expect, it } from 'vitest';
import {
  Rng,
  hadamardColumns,
  hadamardFactorDense,
  hadamardOfOrder,
  hadamardRows,
  isSylvester,
  randomHadamard,
  sylvesterFactor,
  type HadamardFactor,
} from '../../src/tensor/index.ts';
import { blockDiag, maxAbsDiff, naiveMatmul, randn } from './helpers.ts';

function dense(f: HadamardFactor, inverse: boolean): Float64Array {
  const m = hadamardFactorDense(f, 1 / Math.sqrt(f.n));
  if (!inverse) return m;
  const t = new Float64Array(m.length);
  for (let i = 0; i < f.n; i++) for (let j = 0; j < f.n; j++) t[j * f.n + i] = m[i * f.n + j];
  return t;
}

// Tolerance 1e-12 (float64 data), 1e-5 relative to O(1) values (float32 data).
describe('Hadamard-type transform H_K ⊗ S for any constructible size', () => {
  const cases: [string, HadamardFactor][] = [
    ['random-hadamard 172 (K=172)', randomHadamard(172, new Rng('a'))],
    ['random-hadamard 768 (K=192)', randomHadamard(768, new Rng('b'))],
    ['random-hadamard 96 (K=96)', randomHadamard(96, new Rng('c'))],
    ['random-hadamard 40 (K=40)', randomHadamard(40, new Rng('d'))],
    ['random-hadamard 64 (K=64)', randomHadamard(64, new Rng('e'))],
    ['random-hadamard 448 (K=224, S_2)', randomHadamard(448, new Rng('f'))],
    ['hadamard 32', sylvesterFactor(32)],
  ];
  for (const [name, f] of cases) {
    for (const inverse of [false, true]) {
      it(`${name}${inverse ? ' inverse' : ''}: rows equal X·diag(M…)`, () => {
        const x = randn(3, 2 * f.n, name, 'float64');
        const want = naiveMatmul(x.data, blockDiag(dense(f, inverse), f.n, 2 * f.n), 3, 2 * f.n, 2 * f.n);
        expect(maxAbsDiff(hadamardRows(x, f, { inverse }).data, want)).toBeLessThan(1e-12);
        const x32 = x.to('float32');
        expect(maxAbsDiff(hadamardRows(x32, f, { inverse }).data, want)).toBeLessThan(1e-5);
      });
    }
  }

  it('columns: diag(M…)·W and diag(Mᵀ…)·W', () => {
    const f = randomHadamard(24, new Rng('cols'));
    const w = randn(48, 5, 'w', 'float64');
    for (const inverse of [false, true]) {
      const want = naiveMatmul(blockDiag(dense(f, inverse), 24, 48), w.data, 48, 48, 5);
      expect(maxAbsDiff(hadamardColumns(w, f, { inverse }).data, want)).toBeLessThan(1e-12);
    }
  });

  it('the normalised matrix is orthogonal and M·Mᵀ round-trips a row', () => {
    const f = randomHadamard(172, new Rng('orth'));
    const x = randn(2, 172, 'rt', 'float64');
    const back = hadamardRows(hadamardRows(x, f), f, { inverse: true });
    expect(maxAbsDiff(back.data, x.data)).toBeLessThan(1e-12);
  });

  it('the same seed gives the same signs (seeded determinism)', () => {
    expect(randomHadamard(768, new Rng(5).split('R1')).signs).toEqual(randomHadamard(768, new Rng(5).split('R1')).signs);
    expect(randomHadamard(768, new Rng(5).split('R1')).signs).not.toEqual(randomHadamard(768, new Rng(5).split('R2')).signs);
  });
});

describe('Sylvester H_K fast path (power-of-two K: one FWHT over n, signs kept)', () => {
  const cases: [string, HadamardFactor][] = [
    ['random-hadamard 256 (K=256)', randomHadamard(256, new Rng('s256'))],
    ['random-hadamard 512 (K=256, S_2)', randomHadamard(512, new Rng('s512'))],
    ['random-hadamard 128 (K=128)', randomHadamard(128, new Rng('s128'))],
    ['random-hadamard 8 (K=8)', randomHadamard(8, new Rng('s8'))],
    ['random-hadamard 32 (K=32 Paley, dense mix)', randomHadamard(32, new Rng('s32'))],
    ['random-hadamard 64, K=4 non-Sylvester H_4 (dense mix)', { ...randomHadamard(64, new Rng('s64')), k: 4, hk: { n: 4, data: Int8Array.of(-1, 1, 1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1, 1, 1, -1) } }],
  ];
  it('isSylvester tells Sylvester blocks from Paley 32 and other Hadamard matrices', () => {
    expect(isSylvester(hadamardOfOrder(256))).toBe(true);
    expect(isSylvester(hadamardOfOrder(2))).toBe(true);
    expect(isSylvester(hadamardOfOrder(32))).toBe(false);
    expect(isSylvester(hadamardOfOrder(172))).toBe(false);
    expect(isSylvester(cases[5][1].hk)).toBe(false);
  });
  for (const [name, f] of cases) {
    for (const inverse of [false, true]) {
      it(`${name}${inverse ? ' inverse' : ''}: rows and columns equal the dense reference`, () => {
        const x = randn(3, 2 * f.n, name, 'float64');
        const want = naiveMatmul(x.data, blockDiag(dense(f, inverse), f.n, 2 * f.n), 3, 2 * f.n, 2 * f.n);
        expect(maxAbsDiff(hadamardRows(x, f, { inverse }).data, want)).toBeLessThan(1e-12);
        expect(maxAbsDiff(hadamardRows(x.to('float32'), f, { inverse }).data, want)).toBeLessThan(1e-5);
        const w = randn(2 * f.n, 3, `${name} w`, 'float64');
        const wantCols = naiveMatmul(blockDiag(dense(f, inverse), f.n, 2 * f.n), w.data, 2 * f.n, 2 * f.n, 3);
        expect(maxAbsDiff(hadamardColumns(w, f, { inverse }).data, wantCols)).toBeLessThan(1e-12);
      });
    }
  }
});
