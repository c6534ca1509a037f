import { softmax } from '../../tensor/kernels/softmax.ts';

/**
 * The forward pass's kernels, as tight typed-array loops in the manner of llama2.c's run.c. Every function
 * writes into a buffer it is given and allocates nothing. `Buf` is float32 or float64; accumulation happens in
 * JS numbers (double), storage rounds to the buffer's dtype.
 * @internal
 */
export type Buf = Float32Array | Float64Array;

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
