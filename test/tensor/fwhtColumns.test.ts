import { describe, expect, it } from 'vitest';
import { Rng, fwhtRowsTs, hadamardColumns, hadamardRows, randomHadamard, sylvesterFactor, transpose, type HadamardFactor } from '../../src/tensor/index.ts';
import { fwhtColumnsTs } from '../../src/tensor/kernels/fwhtColumns.ts';
import { randn } from './helpers.ts';

// Tolerance 0: the column kernels do, per element, the additions the row kernels do on the transpose.
describe('column-side FWHT without transposes = the row kernels on the transpose, bit for bit', () => {
  for (const dtype of ['float64', 'float32'] as const)
    for (const [rows, cols, block] of [[256, 70, 128], [64, 130, 8], [32, 3, 32], [16, 200, 1]] as const)
      it(`fwhtColumnsTs ${dtype} [${rows}, ${cols}] block ${block}`, () => {
        const w = randn(rows, cols, `fc${rows}`, dtype);
        const want = transpose(w);
        fwhtRowsTs(want.data, cols, rows, block, 1 / Math.sqrt(block));
        const got = w.clone();
        fwhtColumnsTs(got.data, rows, cols, block, 1 / Math.sqrt(block));
        expect(Array.from(got.data)).toEqual(Array.from(transpose(want).data));
      });

  const factors: [string, HadamardFactor][] = [
    ['hadamard 128', sylvesterFactor(128)],
    ['random-hadamard 64 (Sylvester K, signs)', randomHadamard(64, new Rng('s64'))],
    ['random-hadamard 172 (K=172: the transpose path)', randomHadamard(172, new Rng('s172'))],
  ];
  for (const [name, f] of factors)
    for (const inverse of [false, true])
      for (const normalize of [true, false])
        it(`hadamardColumns ${name}${inverse ? ' inverse' : ''}${normalize ? '' : ' unnormalised'}`, () => {
          const w = randn(2 * f.n, 37, name, 'float64');
          const want = transpose(hadamardRows(transpose(w), f, { inverse: !inverse, normalize, backend: 'ts' }));
          expect(Array.from(hadamardColumns(w, f, { inverse, normalize }).data)).toEqual(Array.from(want.data));
        });
});
