/**
 * Float fake-quantization kernels (issue 11: each ≥ 1 G elements/s): NVFP4, MXFP4, MXFP8, FP8 block 128×128,
 * FP8 group 128 and FP8 per channel on a 4096×4096 float32 weight. Three kinds of rows, all in the same run:
 * - `kernel`: the WebAssembly-SIMD kernel (src/tensor/wasm/floatQuant.ts) writing into preallocated
 *   outputs — the kernel's own speed, the figure the goal is about;
 * - `call`: the public op (src/tensor/ops.ts, `auto` backend), which also allocates the 64 MiB result;
 * - `floor`: allocating a fresh 4096×4096 float32 array and copying the weight into it, which every call that
 *   returns a new tensor pays (page faults), so no `call` row can beat it.
 * The ratio column is elements per second (median wall time) over the 1 G/s goal; the note adds the best wall
 * time and the process CPU time (median, all threads), which are what to read on a loaded machine. Elements:
 * 4096×4096 float32.
 *
 *   npm run bench -- --only fp4
 */
import {
  fakeQuantizeFp8, fakeQuantizeFp8Block, fakeQuantizeFp8Group, fakeQuantizeMx, fakeQuantizeNvfp4,
} from '../src/tensor/ops.ts';
import { Rng } from '../src/tensor/rng.ts';
import { Tensor } from '../src/tensor/tensor.ts';
import { fp8BlockWasm, groupsWasm } from '../src/tensor/wasm/floatQuant.ts';
import type { BenchRow } from './types.ts';

const GOAL = 1e9;
const REPS = 5;

/** Median wall and CPU seconds of `REPS` calls after one warm-up, and the best wall time (the least disturbed by other load). */
function timed(fn: () => unknown): { wall: number; cpu: number; best: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  return { wall: median(wall), cpu: median(cpu), best: Math.min(...wall) };
}

export async function benchFp4(): Promise<BenchRow[]> {
  const n = 4096;
  const rng = new Rng(11);
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * 0.02;
  const w = new Tensor(data, [n, n]);
  const dst = new Float32Array(n * n);
  const scales = new Float32Array(n * n / 16);
  const g = fakeQuantizeNvfp4(w, 16).globalScale;
  const formats: [string, () => unknown, () => boolean][] = [
    ['NVFP4 (e2m1, FP8 group-16 scales, global scale)', () => fakeQuantizeNvfp4(w, 16), () => groupsWasm('nvfp4', data, dst, scales, 16, g)],
    ['MXFP4 (e2m1, E8M0 group-32 scales)', () => fakeQuantizeMx(w, 4), () => groupsWasm('mx4', data, dst, scales, 32)],
    ['MXFP8 (e4m3, E8M0 group-32 scales)', () => fakeQuantizeMx(w, 8), () => groupsWasm('mx8', data, dst, scales, 32)],
    ['FP8 block 128×128', () => fakeQuantizeFp8Block(w, 128, 128), () => fp8BlockWasm(data, dst, scales, n, n, 128, 128)],
    ['FP8 group 128 (FP8_BLOCK activations)', () => fakeQuantizeFp8Group(w, 128), () => groupsWasm('fp8Group', data, dst, scales, 128)],
    ['FP8 per channel', () => fakeQuantizeFp8(w, 'channel'), () => groupsWasm('fp8Channel', data, dst, scales, n)],
  ];
  const row = (name: string, t: { wall: number; cpu: number; best: number }): BenchRow => ({
    name,
    seconds: t.wall,
    ratio: `${(w.size / t.wall / GOAL).toFixed(2)}× goal`,
    note: `${(w.size / t.wall / 1e9).toFixed(3)} G elements/s; best ${(t.best * 1000).toFixed(1)} ms = ${(w.size / t.best / 1e9).toFixed(3)} G/s; cpu ${(t.cpu * 1000).toFixed(1)} ms`,
  });
  const rows: BenchRow[] = [];
  for (const [name, call, kernel] of formats) {
    if (!kernel()) return [{ name: 'fp4', seconds: 0, note: 'skipped: no WebAssembly SIMD in this engine' }];
    rows.push(row(`fp4: kernel ${name}`, timed(kernel)));
    rows.push(row(`fp4: call ${name}`, timed(call)));
  }
  rows.push(row('fp4: floor: fresh 4096×4096 float32 array + copy', timed(() => new Float32Array(n * n).set(data))));
  return rows;
}
