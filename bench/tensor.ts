/**
 * Tensor benchmark: a normalised FWHT (block = 4096) on every row of a 4096×4096 float32 matrix, per backend,
 * against a plain `Float32Array.set` copy of the same matrix (the floor) and dense numpy `W @ H`
 * (bench/python/dense_hadamard.py), and the dispatched op modifiers call. Goals: ≥ 30× faster than numpy, ≤ 10× the copy, measured in the same run.
 * Each figure is the median of several repetitions after a warm-up.
 *
 *   npx tsx bench/tensor.ts            (prints a table)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fwhtRowsTs } from '../src/tensor/kernels/fwht.ts';
import { fwhtGpu } from '../src/tensor/gpu/kernels.ts';
import { reachableGpuJsModes } from '../src/tensor/gpu/loader.ts';
import { Rng } from '../src/tensor/rng.ts';
import { fwhtRowsInPlace } from '../src/tensor/ops.ts';
import { chooseBackend } from '../src/tensor/backend.ts';
import { Tensor } from '../src/tensor/tensor.ts';
import { fwhtWasm, wasmSimdSupported } from '../src/tensor/wasm/runtime.ts';
import type { BenchRow } from './types.ts';
import { medianSeconds } from './timing.ts';

const N = 4096;

const median = medianSeconds;

function numpySeconds(): { seconds: number | null; note: string } {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  } catch {
    return { seconds: null, note: 'skipped: python3 -c "import numpy" failed' };
  }
  const script = fileURLToPath(new URL('./python/dense_hadamard.py', import.meta.url));
  const out = execFileSync('python3', [script, String(N), '3'], { encoding: 'utf8' });
  const parsed = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { seconds: number; numpy: string };
  return { seconds: parsed.seconds, note: `numpy ${parsed.numpy}, float32 W @ (H/√n), median of 3` };
}

/** Runs the FWHT benchmark and returns one row per implementation (ratios vs copy and vs numpy). */
export async function benchTensor(): Promise<BenchRow[]> {
  const rng = new Rng('bench/tensor');
  const x = new Float32Array(N * N);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
  const y = new Float32Array(x.length);
  const scale = 1 / Math.sqrt(N);
  const rows: { name: string; seconds: number | null; note?: string }[] = [];

  const copy = median(() => y.set(x), 9);
  rows.push({ name: 'copy floor (Float32Array.set)', seconds: copy });
  rows.push({ name: 'TS butterfly (1 thread)', seconds: median(() => fwhtRowsTs(y, N, N, N, scale), 3) });
  if (wasmSimdSupported()) {
    rows.push({ name: 'wasm SIMD, 1 thread', seconds: median(() => fwhtWasm(y, N, scale, 1), 9), note: 'copy in/out included' });
    rows.push({ name: 'wasm SIMD, 2 workers', seconds: median(() => fwhtWasm(y, N, scale, 2), 9), note: 'pipelined copy in/out included' });
  } else {
    rows.push({ name: 'wasm SIMD', seconds: null, note: 'skipped: WebAssembly SIMD unavailable' });
  }
  // What a modifier's rotation runs: the dispatcher (src/tensor/backend.ts) picks per call, LLMC_SIM_BACKEND honoured.
  const t = new Tensor(y, [N, N]);
  const picked = chooseBackend('fwht', 'float32', t.size);
  rows.push({ name: `dispatched fwhtRowsInPlace (→ ${picked})`, seconds: median(() => fwhtRowsInPlace(t), 9), note: 'the path modifiers take' });
  for (const { mode, resolved } of reachableGpuJsModes()) {
    // gpu.js: one kernel launch per stage (12 stages), float32; fewer reps, it is slow without a GL context.
    const seconds = median(() => void fwhtGpu(mode, y, N, scale), 1, 1);
    const label = resolved === mode ? `gpu.js '${mode}'` : `gpu.js '${mode}' (→ ${resolved})`;
    rows.push({ name: label, seconds, note: '12 stage kernels; median of 1 after warm-up' });
  }
  const numpy = numpySeconds();
  rows.push({ name: 'dense numpy W @ H', seconds: numpy.seconds, note: numpy.note });

  return rows.map((r) => {
    if (r.seconds === null) return { name: r.name, seconds: NaN, note: r.note };
    const vsCopy = `${(r.seconds / copy).toFixed(1)}× copy`;
    const vsNumpy = numpy.seconds ? `, numpy/this = ${(numpy.seconds / r.seconds).toFixed(1)}×` : '';
    return { name: r.name, seconds: r.seconds, ratio: vsCopy + vsNumpy, ...(r.note ? { note: r.note } : {}) };
  });
}

function printTable(rows: BenchRow[]): void {
  const fmt = (s: number) => (Number.isNaN(s) ? '—' : `${(s * 1000).toFixed(2)} ms`);
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`FWHT (normalised, block ${N}) on every row of a ${N}×${N} float32 matrix`);
  for (const r of rows) console.log(`${r.name.padEnd(w)}  ${fmt(r.seconds).padStart(11)}  ${(r.ratio ?? '').padEnd(38)}  ${r.note ?? ''}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  printTable(await benchTensor());
}
