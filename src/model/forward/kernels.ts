import { linearWasm } from '../../tensor/wasm/linear.ts';

/**
 * The forward pass's kernels, as tight typed-array loops in the manner of llama2.c's run.c. Every function
 * writes into a buffer it is given and allocates nothing. `Buf` is float32 or float64; accumulation happens in
 * JS numbers (double), storage rounds to the buffer's dtype.
 * @internal
 */
export type Buf = Float32Array | Float64Array;

/**
 * Below this many multiply-adds (T·n·d) a Linear stays on the TypeScript loops: the wasm call and its copies
 * cost ~0.3 µs, more than 256 MACs take in TS (measured 1×16×16: 0.21 µs TS, 0.55 µs wasm; 1×32×32:
 * 0.77 vs 0.59 µs).
 */
export const LINEAR_WASM_MIN_MACS = 1024;

/**
 * Linear over rows, out (T, d) = x (T, n) · Wᵀ + b: the WebAssembly-SIMD kernel (src/tensor/wasm/linear.ts,
 * bit-identical to `linearRows`: same per-output float64 sum over j = 0..n-1, vectorised across outputs)
 * where it is available and the product has at least LINEAR_WASM_MIN_MACS multiply-adds, else `linearRows`
 * (float32 x and W) or its float64 copy. Measured 2.2–2.4× the TS loops for one token, 4–4.8× from 16
 * tokens (256×512, float32 and float64). env LLMC_SIM_BACKEND=ts or gpujs (no gpu.js Linear) keeps TS.
 */
export function linear(out: Buf, x: Buf, w: Buf, b: Buf | null, T: number, n: number, d: number): void {
  if (T * n * d >= LINEAR_WASM_MIN_MACS && wasmAllowed() && linearWasm(out, x, w, b, T, n, d)) return;
  if (w instanceof Float32Array && x instanceof Float32Array) linearRows(out, x, w, b, T, n, d);
  else linearRows64(out, x, w, b, T, n, d); // any float64 operand: the float64 copy (see below)
}

function wasmAllowed(): boolean {
  const v = process.env.LLMC_SIM_BACKEND;
  return v === undefined || v === '' || v === 'wasm';
}

/**
 * RMSNorm over each of `T` rows: out[t] = g ⊙ x[t] / sqrt(mean(x[t]²) + eps).
 * out (T, n), x (T, n), g (n,). `out` may alias `x`.
 */
export function rmsnorm(out: Buf, x: Buf, g: Buf, T: number, n: number, eps: number): void {
  for (let t = 0; t < T; t++) {
    const o = t * n;
    let ss = 0;
    for (let j = 0; j < n; j++) ss += x[o + j] * x[o + j];
    const inv = 1 / Math.sqrt(ss / n + eps);
    for (let j = 0; j < n; j++) out[o + j] = g[j] * (inv * x[o + j]);
  }
}

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
 * RoPE tables for positions 0..T-1: cos/sin (T, headDim/2), angle pos·theta^(-2i/headDim) for pair i.
 * Computed in double precision (llama2.c uses float32 powf/cosf; the difference is below 1e-6 here).
 */
export function ropeTables(cos: Float64Array, sin: Float64Array, T: number, headDim: number, theta: number): void {
  const half = headDim / 2;
  for (let i = 0; i < half; i++) {
    const freq = 1 / Math.pow(theta, (2 * i) / headDim);
    for (let p = 0; p < T; p++) {
      cos[p * half + i] = Math.cos(p * freq);
      sin[p * half + i] = Math.sin(p * freq);
    }
  }
}

/**
 * Rotate each head of `x` (T, heads·headDim) in place by its position's angles; cos/sin (P, headDim/2) with
 * P ≥ p0 + T. Row p is at position p0 + p (p0 > 0: an incremental decoder's new token after p0 cached ones).
 * interleaved (run.c): pair (2i, 2i+1). half (HF rotate_half): pair (i, i + headDim/2).
 */
export function rope(
  x: Buf, T: number, heads: number, headDim: number, cos: Float64Array, sin: Float64Array, interleaved: boolean, p0 = 0,
): void {
  const half = headDim / 2;
  const stride = heads * headDim;
  for (let p = 0; p < T; p++) {
    const c = (p0 + p) * half;
    for (let h = 0; h < heads; h++) {
      const o = p * stride + h * headDim;
      for (let i = 0; i < half; i++) {
        const fr = cos[c + i], fi = sin[c + i];
        const a = interleaved ? o + 2 * i : o + i;
        const b = interleaved ? a + 1 : a + half;
        const v0 = x[a], v1 = x[b];
        x[a] = v0 * fr - v1 * fi;
        x[b] = v0 * fi + v1 * fr;
      }
    }
  }
}

/** Softmax of x[0..n) in place. Subtracting the max first keeps exp() from overflowing; the result is the same. */
export function softmax(x: Buf, n: number): void {
  let max = x[0];
  for (let i = 1; i < n; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    x[i] = Math.exp(x[i] - max);
    sum += x[i];
  }
  for (let i = 0; i < n; i++) x[i] /= sum;
}

/** SwiGLU in place: gate (n,) := silu(gate) ⊙ up, silu(v) = v·sigmoid(v). */
export function swiglu(gate: Buf, up: Buf, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = gate[i];
    gate[i] = (v / (1 + Math.exp(-v))) * up[i];
  }
}

/**
 * Causal grouped-query attention. q (T, H·hd), k and v (T, Hkv·hd), out (T, H·hd), att (T,) scratch.
 * Query head h reads KV head floor(h / (H/Hkv)); scores are scaled by 1/sqrt(hd); token t sees positions 0..t.
 */
export function causalAttention(
  out: Buf, q: Buf, k: Buf, v: Buf, att: Buf, T: number, H: number, Hkv: number, hd: number,
): void {
  const qDim = H * hd;
  for (let t = 0; t < T; t++) attendQuery(out, q, t * qDim, k, v, att, t, H, Hkv, hd);
}

/**
 * One query row of causal attention, the body `causalAttention` runs per token and the incremental decoder
 * runs for its new token (so both sum in the same order): q and out rows at offset `o`, (H·hd) each, at
 * position t; k and v (≥ t+1, Hkv·hd) rows 0..t; att (≥ t+1,) scratch.
 */
export function attendQuery(
  out: Buf, q: Buf, o: number, k: Buf, v: Buf, att: Buf, t: number, H: number, Hkv: number, hd: number,
): void {
  const kvDim = Hkv * hd, kvMul = H / Hkv;
  const scale = 1 / Math.sqrt(hd);
  for (let h = 0; h < H; h++) {
    const qo = o + h * hd;
    const kvo = Math.floor(h / kvMul) * hd;
    for (let s = 0; s <= t; s++) {
      const ko = s * kvDim + kvo;
      let dot = 0;
      for (let i = 0; i < hd; i++) dot += q[qo + i] * k[ko + i];
      att[s] = dot * scale;
    }
    softmax(att, t + 1);
    for (let i = 0; i < hd; i++) out[qo + i] = 0;
    for (let s = 0; s <= t; s++) {
      const a = att[s], vo = s * kvDim + kvo;
      for (let i = 0; i < hd; i++) out[qo + i] += a * v[vo + i];
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
