/**
 * GPTQ on one Linear (issue 11): a 4096×4096 weight, 512 calibration tokens, W4 group 128, actorder
 * static, block 128, from the calibration inputs to the quantized weight (Hessian, dampening, chol(H⁻¹),
 * blockwise error feedback), beside the same algorithm in float32 numpy (bench/python/gptq_reference.py
 * --bench) in the same run, the two interleaved (ours, numpy, ours, numpy, …) so a loaded machine slows
 * both alike; each side's best run counts. Both sides work in float32, upstream's GPTQ precision (ours:
 * XᵀX, U = chol(H⁻¹) and the error feedback as float32 wasm SIMD matrix products on one thread, gram.ts and
 * gptq32.ts), numpy with BLAS on every core.
 * Per-phase times of both sides go in the notes. `LLMC_BENCH_GPTQ_N=1024` shrinks the layer for a quick
 * look; `LLMC_BENCH_GPTQ_REPS` (default 1) sets the number of interleaved pairs.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { accumulateGram } from '../src/tensor/kernels/gram.ts';
import { gptqQuantize, type GptqStep } from '../src/tensor/kernels/gptq.ts';
import { Rng } from '../src/tensor/rng.ts';
import type { BenchRow } from './types.ts';

const N = Number(process.env.LLMC_BENCH_GPTQ_N ?? 4096);
const REPS = Math.max(1, Number(process.env.LLMC_BENCH_GPTQ_REPS ?? 1));
const TOKENS = 512;

interface Run {
  seconds: number;
  phases: Record<string, number>;
}

function hasNumpy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function numpyRun(): Run {
  const script = fileURLToPath(new URL('./python/gptq_reference.py', import.meta.url));
  const out = execFileSync('python3', [script, '--bench', '--rows', String(N), '--cols', String(N), '--tokens', String(TOKENS)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Run;
}

function oursRun(w: Float32Array, x: Float32Array): Run {
  const phases: Record<string, number> = {};
  const t0 = performance.now();
  const h = new Float64Array(N * N);
  accumulateGram(h, x, TOKENS, N, 2);
  const t1 = performance.now();
  phases.hessian = (t1 - t0) / 1000;
  let last = t1;
  const onStep = (step: GptqStep): void => {
    const now = performance.now();
    phases[step] = (now - last) / 1000;
    last = now;
  };
  gptqQuantize(w, N, N, h, { numBits: 4, symmetric: true, strategy: 'group', groupSize: 128, actorder: 'weight', blockSize: 128, dampeningFrac: 0.01, dtype: 'float32' }, onStep);
  const seconds = (performance.now() - t0) / 1000;
  phases.loop = seconds - phases.hessian - phases.cholesky - phases.inverse; // includes permutation and dampening
  return { seconds, phases };
}

const fmt = (r: Run): string => Object.entries(r.phases).map(([k, v]) => `${k} ${v.toFixed(2)} s`).join(', ');

export async function benchGptq(): Promise<BenchRow[]> {
  const rng = new Rng(0);
  const w = Float32Array.from({ length: N * N }, () => rng.normal() * 0.02);
  const x = Float32Array.from({ length: TOKENS * N }, () => rng.normal());
  const numpy = hasNumpy();
  const ours: Run[] = [];
  const np: Run[] = [];
  for (let i = 0; i < REPS; i++) {
    ours.push(oursRun(w, x));
    if (numpy) np.push(numpyRun());
  }
  const best = (runs: Run[]): Run => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const o = best(ours);
  const name = `gptq ${N}×${N}, ${TOKENS} tokens`;
  const pairs = ours.map((r, i) => (np[i] ? (r.seconds / np[i].seconds).toFixed(2) : '-')).join(', ');
  if (!numpy) return [{ name, seconds: o.seconds, note: `float32; ${fmt(o)}` }, { name: `${name} (numpy)`, seconds: 0, note: 'skipped: python3 -c "import numpy" failed' }];
  const n = best(np);
  return [
    { name, seconds: o.seconds, ratio: `${(o.seconds / n.seconds).toFixed(2)}× numpy`, note: `TS + wasm SIMD, float32, one thread; ${fmt(o)}; per pair: ${pairs}` },
    { name: `${name} (numpy)`, seconds: n.seconds, note: `numpy float32, BLAS; ${fmt(n)}` },
  ];
}
