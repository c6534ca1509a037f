/**
 * The Llama forward pass over a whole sequence at once (prefill style): every step handles the T tokens as
 * a (T, width) matrix, so Linear hooks see [tokens, features] and the weights are streamed once per 4 tokens.
 * Scratch buffers live in a RunState made once per (sequence length, dtype) and reused by later calls; a
 * forward allocates only its logits and, where hooks are registered, the tensors handed to them.
 * @internal
 */
import { ValueError } from '../../core/errors.ts';
import { Tensor, type DType } from '../../tensor/tensor.ts';
import type { ModelConfig } from '../config.ts';
import type { Linear, LlamaAttention, LlamaRMSNorm, Embedding, LlamaRotaryEmbedding } from '../modules.ts';
import { linearInto } from '../../tensor/ops.ts';
import { causalAttention, rmsnorm, rope, ropeTables, swiglu, type Buf } from './kernels.ts';

/** The modules the forward reads, resolved once per Model. */
export interface LayerModules {
  inputLayernorm: LlamaRMSNorm;
  selfAttn: LlamaAttention;
  qProj: Linear;
  kProj: Linear;
  vProj: Linear;
  oProj: Linear;
  postAttentionLayernorm: LlamaRMSNorm;
  gateProj: Linear;
  upProj: Linear;
  downProj: Linear;
}
export interface ForwardModules {
  embedTokens: Embedding;
  layers: LayerModules[];
  norm: LlamaRMSNorm;
  rotaryEmb: LlamaRotaryEmbedding;
  lmHead: Linear;
}

/** Scratch for one sequence length T (llama2.c's RunState, with a T axis). */
export class RunState {
  readonly x: Buf; //   (T, dim) residual stream
  readonly xb: Buf; //  (T, dim) normed residual
  readonly o: Buf; //   (T, dim) o_proj / down_proj output
  readonly q: Buf; //   (T, H·hd) query states
  readonly k: Buf; //   (T, Hkv·hd) key states
  readonly v: Buf; //   (T, Hkv·hd) value states
  readonly ao: Buf; //  (T, H·hd) attention output (o_proj input)
  readonly hb: Buf; //  (T, hidden) gate, then silu(gate)·up
  readonly hb2: Buf; // (T, hidden) up
  readonly att: Buf; // (T,) one query's scores
  readonly cos: Float64Array; // (T, hd/2) RoPE
  readonly sin: Float64Array; // (T, hd/2)

  constructor(
    readonly T: number,
    readonly dtype: DType,
    readonly dims: { dim: number; qDim: number; kvDim: number; hidden: number; headDim: number; theta: number },
  ) {
    const A = dtype === 'float64' ? Float64Array : Float32Array;
    const { dim, qDim, kvDim, hidden, headDim, theta } = dims;
    this.x = new A(T * dim);
    this.xb = new A(T * dim);
    this.o = new A(T * dim);
    this.q = new A(T * qDim);
    this.k = new A(T * kvDim);
    this.v = new A(T * kvDim);
    this.ao = new A(T * qDim);
    this.hb = new A(T * hidden);
    this.hb2 = new A(T * hidden);
    this.att = new A(T);
    this.cos = new Float64Array((T * headDim) / 2);
    this.sin = new Float64Array((T * headDim) / 2);
    ropeTables(this.cos, this.sin, T, headDim, theta);
  }

  fits(T: number, dtype: DType, dims: RunState['dims']): boolean {
    const d = this.dims;
    return T === this.T && dtype === this.dtype && d.dim === dims.dim && d.qDim === dims.qDim &&
      d.kvDim === dims.kvDim && d.hidden === dims.hidden && d.headDim === dims.headDim && d.theta === dims.theta;
  }
}

export function stateDims(config: ModelConfig, m: ForwardModules): RunState['dims'] {
  const a = m.layers[0]?.selfAttn;
  const headDim = m.rotaryEmb.headDim;
  return {
    dim: m.embedTokens.embeddingDim,
    qDim: a ? a.numHeads * a.headDim : 0,
    kvDim: a ? a.numKvHeads * a.headDim : 0,
    hidden: m.layers[0]?.gateProj.outFeatures ?? config.intermediateSize,
    headDim,
    theta: m.rotaryEmb.theta,
  };
}

function checkShape(t: Tensor, rows: number, cols: number, who: string): void {
  if (t.data.length !== rows * cols || t.cols !== cols) {
    throw new ValueError(`${who} returned a tensor of shape [${t.shape.join(', ')}], expected [${rows}, ${cols}]`);
  }
}

/** out (T, d) = linear(x (T, n)), running the module's pre-hooks on a copy of x and its forward hooks on y. */
export function applyLinear(mod: Linear, x: Buf, out: Buf, T: number, n: number, d: number): void {
  if (mod.inFeatures !== n || mod.outFeatures !== d) {
    throw new ValueError(
      `${mod.name}: weight shape [${mod.weight.shape.join(', ')}] does not fit input width ${n} and output width ${d}`,
    );
  }
  let xin: Buf = x;
  if (mod.preHooks.size > 0) {
    let t = new Tensor(x.slice(), [T, n]);
    for (const fn of mod.preHooks.fns()) {
      const r = fn(t, mod);
      if (r) {
        checkShape(r, T, n, `forward pre-hook of ${mod.name}`);
        t = r;
      }
    }
    xin = t.data;
  }
  const w = mod.weight.data, b = mod.bias ? mod.bias.data : null;
  linearInto(out, xin, w, b, T, n, d); // wasm SIMD or the TS loops, bit-identical (see src/tensor/ops.ts)
  if (mod.forwardHooks.size > 0) {
    let t = new Tensor(out.slice(), [T, d]);
    for (const fn of mod.forwardHooks.fns()) {
      const r = fn(t, mod);
      if (r) {
        checkShape(r, T, d, `forward hook of ${mod.name}`);
        t = r;
      }
    }
    out.set(t.data);
  }
}

/** Run state hooks (query, key, embedding output) on a copy of buf (T, width) and write the result back. */
export function applyStateHooks<M extends LlamaAttention | Embedding>(
  hooks: Array<(states: Tensor, module: M) => Tensor | void>, mod: M, buf: Buf, T: number, width: number, what: string,
): void {
  if (hooks.length === 0) return;
  let t = new Tensor(buf.slice(), [T, width]);
  for (const fn of hooks) {
    const r = fn(t, mod);
    if (r) {
      checkShape(r, T, width, `${what} hook of ${mod.name}`);
      t = r;
    }
  }
  buf.set(t.data);
}

/** Logits (T, vocab) in the state's dtype for `tokens`, reading weights from `m`. */
export function runForward(m: ForwardModules, tokens: ArrayLike<number>, s: RunState): Tensor {
  const T = s.T;
  const { dim, qDim, kvDim, hidden, headDim } = s.dims;
  const E = m.embedTokens.weight.data; // (vocab, dim)
  const vocab = m.lmHead.outFeatures;
  const interleaved = m.rotaryEmb.style === 'interleaved';

  // 1. token embeddings into the residual stream x (T, dim)
  for (let t = 0; t < T; t++) {
    const tok = tokens[t];
    for (let j = 0; j < dim; j++) s.x[t * dim + j] = E[tok * dim + j];
  }
  applyStateHooks(m.embedTokens.forwardHooks.fns(), m.embedTokens, s.x, T, dim, 'forward');

  for (const L of m.layers) {
    const a = L.selfAttn;
    // 2. attention: xb = rmsnorm(x); q, k, v = projections; RoPE; hooks; causal GQA; x += o_proj(out)
    rmsnorm(s.xb, s.x, L.inputLayernorm.weight.data, T, dim, L.inputLayernorm.eps);
    applyLinear(L.qProj, s.xb, s.q, T, dim, qDim);
    applyLinear(L.kProj, s.xb, s.k, T, dim, kvDim);
    applyLinear(L.vProj, s.xb, s.v, T, dim, kvDim);
    rope(s.q, T, a.numHeads, headDim, s.cos, s.sin, interleaved);
    rope(s.k, T, a.numKvHeads, headDim, s.cos, s.sin, interleaved);
    applyStateHooks(a.queryHooks.fns(), a, s.q, T, qDim, 'query');
    applyStateHooks(a.keyHooks.fns(), a, s.k, T, kvDim, 'key');
    applyStateHooks(a.valueHooks.fns(), a, s.v, T, kvDim, 'value');
    causalAttention(s.ao, s.q, s.k, s.v, s.att, T, a.numHeads, a.numKvHeads, headDim);
    applyLinear(L.oProj, s.ao, s.o, T, qDim, dim);
    for (let i = 0; i < T * dim; i++) s.x[i] += s.o[i];

    // 3. MLP: xb = rmsnorm(x); x += down(silu(gate(xb)) ⊙ up(xb))
    rmsnorm(s.xb, s.x, L.postAttentionLayernorm.weight.data, T, dim, L.postAttentionLayernorm.eps);
    applyLinear(L.gateProj, s.xb, s.hb, T, dim, hidden);
    applyLinear(L.upProj, s.xb, s.hb2, T, dim, hidden);
    swiglu(s.hb, s.hb2, T * hidden);
    applyLinear(L.downProj, s.hb, s.o, T, hidden, dim);
    for (let i = 0; i < T * dim; i++) s.x[i] += s.o[i];
  }

  // 4. final norm and classifier: logits (T, vocab), the one buffer a forward must allocate
  rmsnorm(s.xb, s.x, m.norm.weight.data, T, dim, m.norm.eps);
  const logits = s.dtype === 'float64' ? new Float64Array(T * vocab) : new Float32Array(T * vocab);
  applyLinear(m.lmHead, s.xb, logits, T, dim, vocab);
  return new Tensor(logits, [T, vocab]);
}
