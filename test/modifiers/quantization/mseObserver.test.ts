/**
 * The MSE observers (LLM Compressor 0.12 `observers/mse.py`, `observers/imatrix.py`) bit for bit against the
 * independent numpy reference bench/python/mse_observer_reference.py (fixtures in test/fixtures/mse/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mseQuantizeWeight } from '../../../src/modifiers/quantization/observers/mseWeights.ts';
import { gridOptions, gridSearchRange } from '../../../src/modifiers/quantization/observers/gridSearch.ts';
import { ActivationObserver } from '../../../src/modifiers/quantization/activations.ts';
import { accumulateImportance, newImportance, normalizedImportance, settleImportance } from '../../../src/modifiers/quantization/observers/importance.ts';
import type { QuantizationArgs } from '../../../src/modifiers/quantization/presets.ts';
import { quantizeWeight } from '../../../src/modifiers/quantization/base.ts';
import { Tensor } from '../../../src/tensor/tensor.ts';
import { thrown } from '../../helpers/errors.ts';

type Bits = number[];
interface WeightCase { w: Bits; rows: number; cols: number; lo: Bits; hi: Bits; value: Bits; importance?: Bits }
const cases = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'mse', 'cases.json'), 'utf8')) as Record<string, WeightCase> & {
  act_mse_int8: { batches: Bits[]; rows: number; cols: number; lo: Bits; hi: Bits; scale: Bits };
};
const fl = (b: Bits) => new Float32Array(Uint32Array.from(b).buffer);
const plus0 = (a: ArrayLike<number>) => Array.from(a, (v) => v + 0);

const args = (over: Partial<QuantizationArgs>): QuantizationArgs => ({
  numBits: 4, type: 'int', strategy: 'channel', groupSize: null, symmetric: true, dynamic: false, actorder: null, observer: 'memoryless_mse', ...over,
});

const WEIGHTS: [string, QuantizationArgs][] = [
  ['int4_channel_sym', args({})],
  ['int4_group16_asym', args({ strategy: 'group', groupSize: 16, symmetric: false })],
  ['int8_tensor_sym', args({ numBits: 8, strategy: 'tensor' })],
  ['fp8_channel', args({ numBits: 8, type: 'float' })],
  ['int4_channel_kwargs', args({ observerKwargs: { maxshrink: 0.5, grid: 40, norm: 2, patience: 2 } })],
];

describe('MSE weight observer = numpy reference', () => {
  it.each(WEIGHTS)('%s: the chosen ranges and ŵ, bit for bit', (name, a) => {
    const c = cases[name];
    const w = new Tensor(fl(c.w).slice(), [c.rows, c.cols]);
    const r = mseQuantizeWeight(w, a, null);
    expect(plus0(r.value.data)).toEqual(plus0(fl(c.value)));
    // 4 bits: the search shrank some slice (the outlier row at least), so ŵ differs from min-max RTN; 8 bits
    // per tensor: p = 1 stays best, and ŵ is min-max RTN's
    const rtn = plus0(quantizeWeight(w, a).value.data);
    if (a.numBits === 4) expect(plus0(r.value.data)).not.toEqual(rtn);
    else if (a.type === 'int') expect(plus0(r.value.data)).toEqual(rtn);
  });

  it('imatrix_mse: importance-weighted search, 20 steps of 1/20 from p = 1 to 0.05', () => {
    const c = cases.imatrix_int4_channel;
    const w = new Tensor(fl(c.w).slice(), [c.rows, c.cols]);
    const imp = Float64Array.from(fl(c.importance!));
    const r = mseQuantizeWeight(w, args({ observer: 'imatrix_mse' }), imp);
    expect(plus0(r.value.data)).toEqual(plus0(fl(c.value)));
  });

  it('mse activations: each batch searched, the ranges averaged with constant 0.01 (lerp in float32)', () => {
    const c = cases.act_mse_int8;
    const o = new ActivationObserver(args({ numBits: 8, strategy: 'tensor', observer: 'mse' }));
    for (const b of c.batches) o.observe(new Tensor(fl(b).slice(), [c.rows, c.cols]));
    expect(o.qparams('float32')!.scale).toBe(fl(c.scale)[0]);
  });
});

describe('grid search rules', () => {
  const slice = (vals: number[]) => ({ values: Float64Array.from(vals) });
  it('stops after `patience` steps without improvement; p·min and p·max in the dtype', () => {
    let calls = 0;
    const never = (v: Float64Array | Float32Array) => {
      calls += 1;
      return v.map(() => 100);
    };
    gridSearchRange([slice([-1, 2])], never, 'float64', { ...gridOptions('mse'), patience: 3 });
    expect(calls).toBe(4); // p = 1 improves on the initial max error, then 3 steps without
    calls = 0;
    gridSearchRange([slice([-1, 2])], never, 'float64', { ...gridOptions('imatrix'), patience: 0 });
    expect(calls).toBe(20); // imatrix: max(1, int(0.95·20)) + 1 steps, patience 0 never stops
  });

  it('imatrix kwargs are validated as upstream', () => {
    expect(thrown(() => gridOptions('imatrix', { grid: 0 })).message).toBe('grid must be > 0, got 0');
    expect(thrown(() => gridOptions('imatrix', { maxshrink: 2 })).message).toBe('maxshrink must be in [0, 1], got 2');
    expect(thrown(() => gridOptions('imatrix', { norm: -1 })).message).toBe('norm must be a finite positive number, got -1');
  });
});

describe('importance (E[x²] per input channel)', () => {
  it('sums x² over every token of every batch; normalized by its mean', () => {
    const acc = newImportance(3);
    accumulateImportance(acc, Tensor.from([[1, 2, 0], [3, 0, 0]]));
    accumulateImportance(acc, Tensor.from([[1, 0, 0]]));
    settleImportance(acc, true);
    accumulateImportance(acc, Tensor.from([[5, 5, 5]])); // settled: later passes add nothing
    expect(Array.from(acc.sum)).toEqual([11, 4, 0]);
    expect(acc.count).toBe(3);
    const imp = normalizedImportance(acc, 'channel', 3) as Float64Array;
    expect(imp[0] / imp[1]).toBeCloseTo(11 / 4, 6);
    expect(imp.reduce((a, b) => a + b, 0) / 3).toBeCloseTo(1, 6);
  });

  it('falls back to the uniform search with upstream\'s warnings', () => {
    expect(normalizedImportance(undefined, 'channel', 3)).toBe('imatrix_mse: no importance data available. Falling back to uniform MSE.');
    expect(normalizedImportance(newImportance(3), 'tensor', 3)).toBe('imatrix_mse: TENSOR strategy not supported. Falling back to uniform MSE.');
    const zeros = newImportance(2);
    zeros.count = 4;
    expect(normalizedImportance(zeros, 'group', 2)).toBe('imatrix_mse: all zeros. Falling back to uniform MSE.');
    const acc = newImportance(2);
    accumulateImportance(acc, Tensor.from([[1, 2]]));
    settleImportance(acc, true);
    expect(normalizedImportance(acc, 'channel', 4)).toBe('imatrix_mse: size mismatch: expected 4, got 2. Falling back to uniform MSE.');
  });
});
