import type { TensorData } from '../tensor.ts';

/**
 * The Linear forward's plain-TS kernels, `out (T, d) = x (T, n) · Wᵀ + b`: the reference the wasm kernel
 * (wasm/linear.ts) matches bit for bit, and what `linearInto` (ops.ts) runs when the backend is ts.
 * Each output is one float64 sum over j = 0..n-1 in ascending order, the bias added last, stored once.
 */
type Buf = TensorData;

/**
 * Linear over rows: out (T, d) = x (T, n) · Wᵀ + b, with W (d, n) row-major (PyTorch layout), b (d,) or null.
 * Register-blocked 4 tokens × 2 weight rows (8 accumulators): each weight row is streamed T/4 times and each
 * input row d/2 times; measured ~2 GMAC/s on V8, 1.5× the plain 4-token loop. Remainders run one at a time.
 */
export function linearRows(out: Buf, x: Buf, w: Buf, b: Buf | null, T: number, n: number, d: number): void {
  let t = 0;
  for (; t + 4 <= T; t += 4) {
    const x0 = t * n, x1 = x0 + n, x2 = x1 + n, x3 = x2 + n;
    const o0 = t * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let i = 0;
    for (; i + 2 <= d; i += 2) {
      const wa = i * n, wb = wa + n;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let j = 0; j < n; j++) {
        const y0 = x[x0 + j], y1 = x[x1 + j], y2 = x[x2 + j], y3 = x[x3 + j];
        const p = w[wa + j];
        a0 += p * y0; a1 += p * y1; a2 += p * y2; a3 += p * y3;
        const q = w[wb + j];
        b0 += q * y0; b1 += q * y1; b2 += q * y2; b3 += q * y3;
      }
      const ba = b === null ? 0 : b[i], bb = b === null ? 0 : b[i + 1];
      out[o0 + i] = a0 + ba; out[o1 + i] = a1 + ba; out[o2 + i] = a2 + ba; out[o3 + i] = a3 + ba;
      out[o0 + i + 1] = b0 + bb; out[o1 + i + 1] = b1 + bb; out[o2 + i + 1] = b2 + bb; out[o3 + i + 1] = b3 + bb;
    }
    for (; i < d; i++) {
      const wa = i * n;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let j = 0; j < n; j++) {
        const p = w[wa + j];
        a0 += p * x[x0 + j]; a1 += p * x[x1 + j]; a2 += p * x[x2 + j]; a3 += p * x[x3 + j];
      }
      const ba = b === null ? 0 : b[i];
      out[o0 + i] = a0 + ba; out[o1 + i] = a1 + ba; out[o2 + i] = a2 + ba; out[o3 + i] = a3 + ba;
    }
  }
  // remaining tokens (a decoder's single row): 4 weight rows at a time, each output still summed j = 0..n-1
  for (; t < T; t++) {
    const x0 = t * n, o0 = t * d;
    let i = 0;
    for (; i + 4 <= d; i += 4) {
      const wa = i * n, wb = wa + n, wc = wb + n, wd = wc + n;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < n; j++) {
        const y = x[x0 + j];
        s0 += w[wa + j] * y; s1 += w[wb + j] * y; s2 += w[wc + j] * y; s3 += w[wd + j] * y;
      }
      out[o0 + i] = s0 + (b === null ? 0 : b[i]);
      out[o0 + i + 1] = s1 + (b === null ? 0 : b[i + 1]);
      out[o0 + i + 2] = s2 + (b === null ? 0 : b[i + 2]);
      out[o0 + i + 3] = s3 + (b === null ? 0 : b[i + 3]);
    }
    for (; i < d; i++) {
      const wo = i * n;
      let s0 = 0;
      for (let j = 0; j < n; j++) s0 += w[wo + j] * x[x0 + j];
      out[o0 + i] = s0 + (b === null ? 0 : b[i]);
    }
  }
}

/**
 * An independent copy of `linearRows` for float64 data. V8 specialises a function's typed-array loads on the
 * array types it has seen, so float64 calls would make the float32 loops polymorphic: measured 25% slower
 * for both dtypes (synthetic 16 tokens: 10.5 → 13.2 ms float32, 14.8 ms float64; with the copy 10.5 / 10.3 ms).
 * The copy is compiled from the function's own source (it has no free variables); if that fails (e.g. under
 * an instrumenting coverage tool) the shared function is used.
 */
export const linearRows64: typeof linearRows = (() => {
  try {
    const copy = new Function(`return (${linearRows.toString()})`)() as typeof linearRows;
    const out = new Float64Array(1);
    copy(out, new Float64Array([2]), new Float64Array([3]), null, 1, 1, 1);
    return out[0] === 6 ? copy : linearRows;
  } catch {
    return linearRows;
  }
})();
