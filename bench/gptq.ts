/**
 * GPTQ on one Linear (issue 11): a 4096×4096 weight, 512 calibration tokens, W4 group 128, actorder
 * static, block 128, from the calibration inputs to the quantized weight (Hessian, dampening, chol(H⁻¹),
 * blockwise error feedback), beside the same algorithm in float32 numpy (bench/python/gptq_reference.py
 * --bench) in the same run. `LLMC_BENCH_GPTQ_N=1024` shrinks the layer for a quick look.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { accumulateGram } from '../src/tensor/kernels/gram.ts';
import { gptqQuantize } from '../src/tensor/kernels/gptq.ts';
import { Rng } from '../src/tensor/rng.ts';
import type { BenchRow } from './types.ts';

const N = Number(process.env.LLMC_BENCH_GPTQ_N ?? 4096);
const TOKENS = 512;

function numpySeconds(): { seconds: number | null; note: string } {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  } catch {
    return { seconds: null, note: 'skipped: python3 -c "import numpy" failed' };
  }
  const script = fileURLToPath(new URL('./python/gptq_reference.py', import.meta.url));
  const out = execFileSync('python3', [script, '--bench', '--rows', String(N), '--cols', String(N), '--tokens', String(TOKENS)], { encoding: 'utf8' });
  return { seconds: (JSON.parse(out.trim().split('\n').pop()!) as { seconds: number }).seconds, note: 'numpy float32, BLAS for the products' };
}

export async function benchGptq(): Promise<BenchRow[]> {
  const rng = new Rng(0);
  const w = Float32Array.from({ length: N * N }, () => rng.normal() * 0.02);
  const x = Float32Array.from({ length: TOKENS * N }, () => rng.normal());
  const t0 = performance.now();
  const h = new Float64Array(N * N);
  accumulateGram(h, x, TOKENS, N, 2);
  gptqQuantize(w, N, N, h, { numBits: 4, symmetric: true, strategy: 'group', groupSize: 128, actorder: 'weight', blockSize: 128, dampeningFrac: 0.01, dtype: 'float32' });
  const ours = (performance.now() - t0) / 1000;
  const np = numpySeconds();
  const name = `gptq ${N}×${N}, ${TOKENS} tokens`;
  return [
    { name, seconds: ours, ratio: np.seconds ? `${(ours / np.seconds).toFixed(2)}× numpy` : undefined, note: 'TS + wasm SIMD products, float64 accumulation' },
    { name: `${name} (numpy)`, seconds: np.seconds ?? 0, note: np.note },
  ];
}
