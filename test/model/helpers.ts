/** Shared test fixtures for test/model: the stories260K path and a plain nested-loop reference forward. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** models/stories260K.bin, shipped in the repo. */
export const STORIES = fileURLToPath(new URL('../../models/stories260K.bin', import.meta.url));

/** Greedy tokens from BOS (1) for 20 steps, from test/model/fixtures/llama2c_ref.py (numpy port of run.c). */
export const STORIES_GREEDY_20 = [1, 461, 461, 401, 401, 401, 461, 378, 455, 473, 456, 435, 299, 362, 409, 283, 264, 283, 452, 288, 13];

/**
 * Logits for each position of `tokens`, computed as llama2.c's run.c does (one token at a time, KV cache,
 * interleaved RoPE), with plain number[] arrays and nested loops, reading the checkpoint by itself.
 */
export function referenceForward(file: string, tokens: number[]): number[][] {
  const buf = readFileSync(file);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const [dim, hidden, L, H, Hkv, rawVocab] = [0, 1, 2, 3, 4, 5].map((i) => dv.getInt32(4 * i, true));
  const seqLen = dv.getInt32(24, true);
  const V = Math.abs(rawVocab), hs = dim / H, kvDim = Hkv * hs;
  let off = 28;
  const take = (...shape: number[]): number[] => {
    const n = shape.reduce((a, b) => a * b, 1);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(dv.getFloat32(off + 4 * i, true));
    off += 4 * n;
    return out;
  };
  const emb = take(V, dim), rmsAtt = take(L, dim), wq = take(L, dim, dim), wk = take(L, kvDim, dim);
  const wv = take(L, kvDim, dim), wo = take(L, dim, dim), rmsFfn = take(L, dim), w1 = take(L, hidden, dim);
  const w2 = take(L, dim, hidden), w3 = take(L, hidden, dim), rmsFinal = take(dim);
  take(seqLen, hs / 2);
  take(seqLen, hs / 2);
  const wcls = rawVocab > 0 ? emb : take(V, dim);

  const matvec = (w: number[], wOff: number, x: number[], n: number, d: number): number[] => {
    const y: number[] = [];
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += w[wOff + i * n + j] * x[j];
      y.push(s);
    }
    return y;
  };
  const rmsnorm = (x: number[], w: number[], wOff: number): number[] => {
    let ss = 0;
    for (const v of x) ss += v * v;
    const inv = 1 / Math.sqrt(ss / x.length + 1e-5);
    return x.map((v, j) => w[wOff + j] * v * inv);
  };
  const kCache: number[][][] = Array.from({ length: L }, () => []);
  const vCache: number[][][] = Array.from({ length: L }, () => []);
  const out: number[][] = [];
  tokens.forEach((tok, pos) => {
    let x = emb.slice(tok * dim, (tok + 1) * dim);
    for (let l = 0; l < L; l++) {
      const xb = rmsnorm(x, rmsAtt, l * dim);
      const q = matvec(wq, l * dim * dim, xb, dim, dim);
      const k = matvec(wk, l * kvDim * dim, xb, dim, kvDim);
      const v = matvec(wv, l * kvDim * dim, xb, dim, kvDim);
      for (let i = 0; i < dim; i += 2) {
        const freq = 1 / Math.pow(10000, (i % hs) / hs);
        const c = Math.cos(pos * freq), s = Math.sin(pos * freq);
        for (const vec of i < kvDim ? [q, k] : [q]) {
          const a = vec[i], b = vec[i + 1];
          vec[i] = a * c - b * s;
          vec[i + 1] = a * s + b * c;
        }
      }
      kCache[l].push(k);
      vCache[l].push(v);
      const att: number[] = new Array(dim).fill(0);
      for (let h = 0; h < H; h++) {
        const kh = Math.floor(h / (H / Hkv));
        const scores: number[] = [];
        for (let s = 0; s <= pos; s++) {
          let dot = 0;
          for (let i = 0; i < hs; i++) dot += q[h * hs + i] * kCache[l][s][kh * hs + i];
          scores.push(dot / Math.sqrt(hs));
        }
        const max = Math.max(...scores);
        const e = scores.map((sc) => Math.exp(sc - max));
        const sum = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= pos; s++) {
          for (let i = 0; i < hs; i++) att[h * hs + i] += (e[s] / sum) * vCache[l][s][kh * hs + i];
        }
      }
      const o = matvec(wo, l * dim * dim, att, dim, dim);
      x = x.map((val, j) => val + o[j]);
      const xb2 = rmsnorm(x, rmsFfn, l * dim);
      const g = matvec(w1, l * hidden * dim, xb2, dim, hidden);
      const u = matvec(w3, l * hidden * dim, xb2, dim, hidden);
      const hh = g.map((gv, i) => (gv / (1 + Math.exp(-gv))) * u[i]);
      const down = matvec(w2, l * dim * hidden, hh, hidden, dim);
      x = x.map((val, j) => val + down[j]);
    }
    out.push(matvec(wcls, 0, rmsnorm(x, rmsFinal, 0), dim, V));
  });
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
