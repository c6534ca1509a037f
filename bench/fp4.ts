/**
 * Float fake-quantization kernels (issue 11: each ≥ 1 G elements/s): NVFP4, MXFP4, MXFP8, FP8 block and FP8
 * group on a 4096×4096 float32 weight, beside the per-channel FP8 kernel measured in the same run. The ratio
 * column is elements per second over the 1 G/s goal.
 *
 *   npm run bench -- --only fp4
 */
import { fakeQuantizeFp8, fakeQuantizeFp8Block, fakeQuantizeFp8Group, fakeQuantizeMx, fakeQuantizeNvfp4 } from '../src/tensor/ops.ts';
import { Rng } from '../src/tensor/rng.ts';
import { Tensor } from '../src/tensor/tensor.ts';
import { medianSeconds } from './timing.ts';
import type { BenchRow } from './types.ts';

const GOAL = 1e9;

export async function benchFp4(): Promise<BenchRow[]> {
  const n = 4096;
  const rng = new Rng(11);
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * 0.02;
  const w = new Tensor(data, [n, n]);
  const kernels: [string, () => unknown][] = [
    ['fp4: NVFP4 (e2m1, FP8 group-16 scales, global scale)', () => fakeQuantizeNvfp4(w, 16)],
    ['fp4: MXFP4 (e2m1, E8M0 group-32 scales)', () => fakeQuantizeMx(w, 4)],
    ['fp4: MXFP8 (e4m3, E8M0 group-32 scales)', () => fakeQuantizeMx(w, 8)],
    ['fp4: FP8 block 128×128', () => fakeQuantizeFp8Block(w, 128, 128)],
    ['fp4: FP8 group 128 (FP8_BLOCK activations)', () => fakeQuantizeFp8Group(w, 128)],
    ['fp4: FP8 per channel (existing kernel, for comparison)', () => fakeQuantizeFp8(w, 'channel')],
  ];
  return kernels.map(([name, fn]) => {
    const seconds = medianSeconds(fn, 5);
    const rate = w.size / seconds;
    return { name, seconds, ratio: `${(rate / GOAL).toFixed(2)}× goal`, note: `${(rate / 1e9).toFixed(3)} G elements/s on ${n}×${n} float32 (goal ≥ 1)` };
  });
}
