import { describe, expect, it } from 'vitest';
import { deterministicHadamard, fwhtRows, fwhtRowsTs, toDense, wasmSimdSupported, type BackendName } from '../../src/tensor/index.ts';
import { blockDiag, f32Tol, maxAbsDiff, naiveMatmul, randn } from './helpers.ts';

// Tolerance: float64 within 1e-12; float32 within f32Tol(block) (log2(block) roundings of sums of ≈√block).
describe('FWHT block-wise on rows equals the dense multiply X·diag(H/√b, …)', () => {
  const backends: BackendName[] = ['ts', 'wasm', 'gpujs'];
  for (const [rows, cols, block] of [[3, 16, 16], [5, 64, 8], [4, 256, 256], [2, 32, 1], [2, 8, 2]] as const) {
    it(`float64 ts, rows=${rows} cols=${cols} block=${block}`, () => {
      const x = randn(rows, cols, `f${block}`, 'float64');
      const dense = blockDiag(toDense(deterministicHadamard(block), 1 / Math.sqrt(block)), block, cols);
      const want = naiveMatmul(x.data, dense, rows, cols, cols);
      expect(maxAbsDiff(fwhtRows(x, { block, backend: 'ts' }).data, want)).toBeLessThan(1e-12);
    });
    for (const backend of backends) {
      it(`float32 ${backend}, rows=${rows} cols=${cols} block=${block}`, () => {
        const x = randn(rows, cols, `g${block}`);
        const dense = blockDiag(toDense(deterministicHadamard(block), 1 / Math.sqrt(block)), block, cols);
        const want = naiveMatmul(x.data, dense, rows, cols, cols);
        expect(maxAbsDiff(fwhtRows(x, { block, backend }).data, want)).toBeLessThan(f32Tol(block, 4));
      });
    }
  }

  it('unnormalised option, and the raw TS kernel with a scale', () => {
    const x = randn(2, 8, 'u', 'float64');
    const y = fwhtRows(x, { normalize: false, backend: 'ts' });
    const z = x.clone();
    fwhtRowsTs(z.data, 2, 8, 8, 1 / Math.sqrt(8));
    expect(maxAbsDiff(y.data.map((v) => v / Math.sqrt(8)), z.data)).toBeLessThan(1e-12);
  });

  it('wasm SIMD validates on this engine and agrees bit for bit with TS (power-of-4 block, exact scale)', () => {
    expect(wasmSimdSupported()).toBe(true);
    const x = randn(64, 1024, 'bits');
    expect(Array.from(fwhtRows(x, { backend: 'wasm' }).data)).toEqual(Array.from(fwhtRows(x, { backend: 'ts' }).data));
  });

  it('wasm with 2 workers over many pipelined chunks (8 MiB, 4 chunks) equals TS', () => {
    const x = randn(2048, 1024, 'chunks');
    expect(Array.from(fwhtRows(x, { backend: 'wasm' }).data)).toEqual(Array.from(fwhtRows(x, { backend: 'ts' }).data));
  });

  it('rejects a block that is not a power of two or does not divide the row', () => {
    const x = randn(1, 12, 'bad');
    expect(() => fwhtRows(x, { block: 12 })).toThrow(/power of two/);
    expect(() => fwhtRows(x, { block: 8 })).toThrow(/does not divide/);
  });
});
