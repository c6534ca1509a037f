import { describe, expect, it } from 'vitest';
import {
  Tensor,
  centerRowsOp,
  fakeQuantizeOp,
  fuseNormOp,
  matmulOp,
  reachableGpuJsModes,
  transformColumnsOp,
  transformRowsOp,
  type BackendName,
} from '../../src/tensor/index.ts';
import { maxAbsDiff, randn } from './helpers.ts';

// Every reachable backend (and gpu.js mode) against the TS reference, within float32 rounding: relative
// 1e-5 of the values' scale for dot products of ≤ 64 terms. Runs without headless-gl.
const modes = reachableGpuJsModes().map((m) => m.mode);

describe.each(modes)('gpu.js mode %s agrees with TS', (mode) => {
  const withMode = <T>(fn: () => T): T => {
    const prev = process.env.LLMC_SIM_GPUJS_MODE;
    process.env.LLMC_SIM_GPUJS_MODE = mode;
    try {
      return fn();
    } finally {
      if (prev === undefined) delete process.env.LLMC_SIM_GPUJS_MODE;
      else process.env.LLMC_SIM_GPUJS_MODE = prev;
    }
  };
  const both = (f: (b: BackendName) => Tensor): number => withMode(() => maxAbsDiff(f('gpujs').data, f('ts').data));

  it('matmul', () => {
    const a = randn(6, 64, 'a');
    const b = randn(64, 5, 'b');
    expect(both((backend) => matmulOp(a, b, { backend }))).toBeLessThan(1e-4);
  });
  it('row and column transforms', () => {
    const t = randn(8, 8, 't').data;
    const x = randn(4, 16, 'x');
    expect(both((backend) => transformRowsOp(x, t, 8, { backend }))).toBeLessThan(1e-5);
    const w = randn(16, 3, 'w');
    expect(both((backend) => transformColumnsOp(w, t, 8, { backend }))).toBeLessThan(1e-5);
  });
  it('fake quant (channel, group, asymmetric)', () => {
    const w = randn(4, 32, 'q');
    for (const opts of [
      { numBits: 4, symmetric: true, strategy: 'channel' as const },
      { numBits: 8, symmetric: false, strategy: 'group' as const, groupSize: 8 },
    ]) {
      const diff = both((backend) => fakeQuantizeOp(w, { ...opts, backend }).value);
      expect(diff).toBeLessThan(1e-6); // identical except where a float32 tie flips a rounding
    }
  });
  it('norm fusion and centring', () => {
    const w = randn(5, 12, 'f');
    const g = randn(1, 12, 'g').reshape([12]);
    expect(both((backend) => fuseNormOp(w, g, { backend }))).toBeLessThan(1e-6);
    expect(both((backend) => centerRowsOp(randn(3, 40, 'c'), { backend }))).toBeLessThan(1e-5);
  });
});
