/**
 * GPTQ on the float formats (upstream 0.12 `quantize_weight` with NVFP4, MX, FP8 group/block/channel args):
 * with no error feedback (a diagonal Hessian) it is RTN exactly, weights and scales, since both round with the
 * same kernels; with a real Hessian its layer-wise error ‖(W − Ŵ)Xᵀ‖ is no larger than RTN's.
 */
import { describe, expect, it } from 'vitest';
import { accumulateGram } from '../../src/tensor/kernels/gram.ts';
import { gptqQuantize, type GptqOptions } from '../../src/tensor/kernels/gptq.ts';
import { fakeQuantizeNvfp4 } from '../../src/tensor/kernels/fp4.ts';
import { fakeQuantizeFp8 } from '../../src/tensor/kernels/fp8.ts';
import { fakeQuantizeFp8Block, fakeQuantizeFp8Group } from '../../src/tensor/kernels/fp8Block.ts';
import { fakeQuantizeMx } from '../../src/tensor/kernels/mx.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import { Rng } from '../../src/tensor/rng.ts';

type Format = Pick<GptqOptions, 'numBits' | 'format' | 'strategy' | 'groupSize' | 'blockStructure' | 'globalScale'>;

const FORMATS: Record<string, Format> = {
  nvfp4: { numBits: 4, format: 'nvfp4', strategy: 'tensor_group', groupSize: 16 },
  'nvfp4 (a fused global scale)': { numBits: 4, format: 'nvfp4', strategy: 'tensor_group', groupSize: 16, globalScale: 300 },
  mxfp4: { numBits: 4, format: 'mx', strategy: 'group', groupSize: 32 },
  mxfp8: { numBits: 8, format: 'mx', strategy: 'group', groupSize: 32 },
  'fp8 group': { numBits: 8, format: 'fp8_group', strategy: 'group', groupSize: 16 },
  'fp8 block': { numBits: 8, format: 'fp8_block', strategy: 'block', groupSize: null, blockStructure: [8, 16] },
  'fp8 channel': { numBits: 8, format: 'fp8', strategy: 'channel', groupSize: null },
  'fp8 tensor': { numBits: 8, format: 'fp8', strategy: 'tensor', groupSize: null },
};

/** RTN of the same weight by the format's kernel. */
function rtn(w: Tensor, f: Format): { value: Tensor; scales: Tensor } {
  switch (f.format) {
    case 'nvfp4':
      return fakeQuantizeNvfp4(w, f.groupSize!, f.globalScale);
    case 'mx':
      return fakeQuantizeMx(w, f.numBits as 4 | 8, f.groupSize!);
    case 'fp8_group':
      return fakeQuantizeFp8Group(w, f.groupSize!);
    case 'fp8_block':
      return fakeQuantizeFp8Block(w, ...f.blockStructure!);
    default:
      return fakeQuantizeFp8(w, f.strategy === 'tensor' ? 'tensor' : 'channel');
  }
}

const gptq = (w: ArrayLike<number>, rows: number, cols: number, h: Float64Array, f: Format, o: Partial<GptqOptions>) =>
  gptqQuantize(w, rows, cols, h, { type: 'float', symmetric: true, actorder: null, blockSize: 16, dampeningFrac: 0.01, dtype: 'float64', ...f, ...o });

/** ‖(W − Ŵ)·Xᵀ‖² over inputs X [tokens, cols]. */
function layerError(w: ArrayLike<number>, q: ArrayLike<number>, rows: number, cols: number, x: Float64Array): number {
  let s = 0;
  for (let t = 0; t < x.length / cols; t++)
    for (let r = 0; r < rows; r++) {
      let d = 0;
      for (let c = 0; c < cols; c++) d += (w[r * cols + c] - q[r * cols + c]) * x[t * cols + c];
      s += d * d;
    }
  return s;
}

const ROWS = 20; // not a multiple of the block's 8 rows: a partial row block
const COLS = 64;

describe('GPTQ without error feedback (diagonal H) is RTN, weights and scales, bit for bit', () => {
  const rng = new Rng(7);
  const w64 = Float64Array.from({ length: ROWS * COLS }, () => rng.normal() * (rng.uniform() < 0.05 ? 8 : 1));
  const identity = new Float64Array(COLS * COLS);
  const diagonal = new Float64Array(COLS * COLS);
  for (let i = 0; i < COLS; i++) {
    identity[i * COLS + i] = 1;
    diagonal[i * COLS + i] = 1 + ((i * 37) % COLS); // distinct: actorder weight permutes every column
  }
  for (const [name, f] of Object.entries(FORMATS)) {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const [h, actorder] of [[identity, null], [diagonal, 'weight']] as const) {
        it(`${name}, ${dtype}, actorder ${actorder}`, () => {
          const w = dtype === 'float32' ? Float32Array.from(w64) : w64;
          const g = gptq(w, ROWS, COLS, h, f, { dtype, actorder });
          const r = rtn(new Tensor(w, [ROWS, COLS]), f);
          expect(g.inverted).toBe(true);
          expect(Array.from(g.weight)).toEqual(Array.from(r.value.data));
          expect(Array.from(g.scales)).toEqual(Array.from(r.scales.data));
          if (f.strategy !== 'tensor' && f.strategy !== 'channel') expect(g.scaleShape).toEqual(r.scales.shape);
        });
      }
    }
  }

  it('actorder weight keeps groups by original column (g_idx = column // group, block: // block columns)', () => {
    const g = gptq(w64, ROWS, COLS, diagonal, FORMATS['fp8 block'], { actorder: 'weight' });
    expect(Array.from(g.gIdx!)).toEqual(Array.from({ length: COLS }, (_, c) => Math.floor(c / 16)));
  });

  it('actorder group: the scales of the permuted weight, groups of the permuted order', () => {
    const g = gptq(w64, ROWS, COLS, diagonal, FORMATS.nvfp4, { actorder: 'group' });
    const perm = Array.from({ length: COLS }, (_, i) => i).sort((a, b) => diagonal[b * COLS + b] - diagonal[a * COLS + a] || a - b);
    const permuted = Float64Array.from({ length: ROWS * COLS }, (_, k) => w64[Math.floor(k / COLS) * COLS + perm[k % COLS]]);
    const r = rtn(new Tensor(permuted, [ROWS, COLS]), FORMATS.nvfp4);
    expect(Array.from(g.scales)).toEqual(Array.from(r.scales.data));
    for (let k = 0; k < ROWS * COLS; k++) expect(g.weight[Math.floor(k / COLS) * COLS + perm[k % COLS]]).toBe(r.value.data[k]);
    expect(Array.from(g.gIdx!)).toEqual(Array.from({ length: COLS }, (_, c) => Math.floor(perm.indexOf(c) / 16)));
  });
});

describe("GPTQ's layer-wise error ≤ RTN's on the same calibration data (float formats)", () => {
  const cases = ['nvfp4', 'mxfp4', 'fp8 block', 'fp8 group', 'mxfp8'] as const;
  it.each([1, 2, 3, 4])('random layer with correlated inputs, seed %i', (seed) => {
    const rng = new Rng(100 + seed);
    const w64 = Float64Array.from({ length: ROWS * COLS }, () => rng.normal());
    const gains = Float64Array.from({ length: COLS }, () => Math.exp(rng.normal()));
    const tokens = 96;
    const x = new Float64Array(tokens * COLS);
    for (let t = 0; t < tokens; t++) {
      const common = rng.normal();
      for (let c = 0; c < COLS; c++) x[t * COLS + c] = (rng.normal() + 0.5 * common) * gains[c];
    }
    const h = new Float64Array(COLS * COLS);
    accumulateGram(h, x, tokens, COLS, 2 / tokens);
    for (const name of cases) {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const actorder of [null, 'weight'] as const) {
          const w = dtype === 'float32' ? Float32Array.from(w64) : w64;
          const g = gptq(w, ROWS, COLS, h, FORMATS[name], { dtype, actorder });
          const r = rtn(new Tensor(w, [ROWS, COLS]), FORMATS[name]).value.data;
          const eg = layerError(w, g.weight, ROWS, COLS, x);
          const er = layerError(w, r, ROWS, COLS, x);
          expect(eg, `${name} ${dtype} ${actorder}`).toBeLessThanOrEqual(er);
        }
      }
    }
  });
});
