/**
 * Float fake-quantization kernels (issue 11: each ≥ 1 G elements/s): NVFP4, MXFP4, MXFP8, FP8 block 128×128,
 * FP8 group 128, FP8 per channel, FP8 per tensor and FP8 static on a 4096×4096 float32 weight. Rows, all in the
 * same run:
 * - `baseline`: copying the weight into a preallocated array (one pass over memory), and copying it into a
 *   shared WebAssembly memory and back out in the kernels' chunks (2¹⁸ floats) with no kernel in between:
 *   the copies every kernel on plain (non-shared) arrays makes, since wasm reads only its own memory;
 * - `kernel`: the WebAssembly-SIMD kernel (src/tensor/wasm/floatQuant.ts) writing into preallocated
 *   outputs — the kernel's own speed, the figure the goal is about — on its worker pool (the default) and on
 *   the calling thread alone (which costs less CPU, and wins when the other core is busy);
 * - `call`: the public op (src/tensor/ops.ts, `auto` backend), which also allocates the 64 MiB result;
 * - `floor`: allocating a fresh 4096×4096 float32 array and copying the weight into it, which every call that
 *   returns a new tensor pays (page faults), so no `call` row can beat it.
 * The ratio column is elements per second (median wall time) over the 1 G/s goal; the note adds the ratio to
 * the in-and-out copy baseline, the best wall time and the process CPU time (median, all threads), which are
 * what to read on a loaded machine, and the first row the load average before and after. Elements:
 * 4096×4096 float32.
 *
 *   npm run bench -- --only fp4
 */
import os from 'node:os';
import {
  fakeQuantizeFp8, fakeQuantizeFp8Block, fakeQuantizeFp8Group, fakeQuantizeFp8Static, fakeQuantizeMx, fakeQuantizeNvfp4,
} from '../src/tensor/ops.ts';
import { Rng } from '../src/tensor/rng.ts';
import { Tensor } from '../src/tensor/tensor.ts';
import { wasmApi, type WasmApi } from '../src/tensor/wasm/api.ts';
import { absMaxWasm, e4m3Wasm, fp8BlockWasm, groupsWasm } from '../src/tensor/wasm/floatQuant.ts';
import type { BenchRow } from './types.ts';

const GOAL = 1e9;
const REPS = 7;
/** The kernels' chunk (floats), for the copy baseline. */
const CHUNK = 1 << 18;

type Timing = { wall: number; cpu: number; best: number };

/** FP8 per tensor's scale from its amax (`fakeQuantizeFp8`): amax/448 in float32, 0 → 2⁻²³. */
const fp8Scale = (amax: number): number => Math.fround(amax / 448) || (Number.isNaN(amax) ? NaN : 2 ** -23);

/** Median wall and CPU seconds of `REPS` calls after one warm-up, and the best wall time (the least disturbed by other load). */
function timed(fn: () => unknown): Timing {
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

/** The copies of a kernel on plain arrays: `src` into a shared wasm memory and back out to `dst`, chunk by chunk. */
function copyThroughWasm(wa: WasmApi, src: Float32Array, dst: Float32Array): () => void {
  const memory = new wa.Memory({ initial: Math.ceil((CHUNK * 4 + 4096) / 65536), maximum: 32768, shared: true });
  const m = new Float32Array(memory.buffer, 4096, CHUNK);
  return () => {
    for (let from = 0; from < src.length; from += CHUNK) {
      const to = Math.min(src.length, from + CHUNK);
      m.set(src.subarray(from, to));
      dst.set(m.subarray(0, to - from), from);
    }
  };
}

export async function benchFp4(): Promise<BenchRow[]> {
  const load0 = os.loadavg()[0];
  const n = 4096;
  const rng = new Rng(11);
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * 0.02;
  const w = new Tensor(data, [n, n]);
  const dst = new Float32Array(n * n);
  const scales = new Float32Array(n * n / 16);
  const g = fakeQuantizeNvfp4(w, 16).globalScale;
  const staticScale = fakeQuantizeFp8(w, 'tensor').scales.data[0];
  const formats: [string, () => unknown, (threads?: number) => boolean][] = [
    ['NVFP4 (e2m1, FP8 group-16 scales, global scale)', () => fakeQuantizeNvfp4(w, 16), (t) => groupsWasm('nvfp4', data, dst, scales, 16, g, t)],
    ['MXFP4 (e2m1, E8M0 group-32 scales)', () => fakeQuantizeMx(w, 4), (t) => groupsWasm('mx4', data, dst, scales, 32, 1, t)],
    ['MXFP8 (e4m3, E8M0 group-32 scales)', () => fakeQuantizeMx(w, 8), (t) => groupsWasm('mx8', data, dst, scales, 32, 1, t)],
    ['FP8 block 128×128', () => fakeQuantizeFp8Block(w, 128, 128), (t) => fp8BlockWasm(data, dst, scales, n, n, 128, 128, t)],
    ['FP8 group 128 (FP8_BLOCK activations)', () => fakeQuantizeFp8Group(w, 128), (t) => groupsWasm('fp8Group', data, dst, scales, 128, 1, t)],
    ['FP8 per channel', () => fakeQuantizeFp8(w, 'channel'), (t) => groupsWasm('fp8Channel', data, dst, scales, n, 1, t)],
    ['FP8 per tensor (FP8 weights: the amax, then one scale)', () => fakeQuantizeFp8(w, 'tensor'), (t) => e4m3Wasm(data, dst, fp8Scale(absMaxWasm(data) ?? NaN), t)],
    ['FP8 static (a given scale: calibrated activations)', () => fakeQuantizeFp8Static(w, staticScale), (t) => e4m3Wasm(data, dst, staticScale, t)],
  ];
  const gs = (t: Timing): number => w.size / t.wall / 1e9;
  if (!wasmApi || !formats[0][2]()) return [{ name: 'fp4', seconds: 0, note: 'skipped: no WebAssembly SIMD in this engine' }];
  const copies = timed(copyThroughWasm(wasmApi, data, dst));
  const row = (name: string, t: Timing, note = ''): BenchRow => ({
    name,
    seconds: t.wall,
    ratio: `${(gs(t) * 1e9 / GOAL).toFixed(2)}× goal`,
    note: `${gs(t).toFixed(3)} G elements/s${note}; best ${(t.best * 1000).toFixed(1)} ms = ${(w.size / t.best / 1e9).toFixed(3)} G/s; cpu ${(t.cpu * 1000).toFixed(1)} ms`,
  });
  const vsCopies = (t: Timing): string => ` = ${(gs(t) / gs(copies)).toFixed(2)}× the copy baseline`;
  const rows: BenchRow[] = [
    row('fp4: baseline: copy 4096×4096 float32 into a preallocated array', timed(() => dst.set(data))),
    row('fp4: baseline: copy in and out of a shared wasm memory, 2¹⁸-float chunks', copies),
  ];
  for (const [name, call, kernel] of formats) {
    const pool = timed(() => kernel());
    const alone = timed(() => kernel(1));
    rows.push(row(`fp4: kernel ${name}`, pool, vsCopies(pool)));
    rows.push(row(`fp4: kernel, calling thread only: ${name}`, alone, vsCopies(alone)));
    rows.push(row(`fp4: call ${name}`, timed(call)));
  }
  rows.push(row('fp4: floor: fresh 4096×4096 float32 array + copy', timed(() => new Float32Array(n * n).set(data))));
  rows[0].note += `; load average ${load0.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after`;
  return rows;
}
