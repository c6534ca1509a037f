/**
 * Incremental decoding with a KV cache: one token per `step`, each attending to the cached keys and values
 * of the tokens before it, so a sequence of L tokens costs L token-forwards instead of re-running the prefix
 * (L²/2). It runs the same kernels and hooks as `runForward` on a one-row state, so a step's logits are
 * bit-identical to the matching row of `model.forward(prefix)` whenever the hooks are row-wise (Linear
 * pre/forward hooks and query/key/embedding hooks see [1, width] tensors here, [T, width] there):
 * - Linear: the same `linear` per-output sum (the wasm kernel and the TS loops sum each output j = 0..n-1 in
 *   float64 alike; blocking over tokens and rows does not change a row's order);
 * - attention: `attendQuery`, the body of `causalAttention`, over cache rows 0..pos;
 * - query/key hooks act on the new token's states after RoPE and before the key enters the cache (where
 *   upstream's k_cache transform acts), value hooks on its value before it enters the cache, exactly as
 *   they act on the whole K and V in the full forward.
 * Scratch is allocated at creation; the cache grows geometrically up to maxPositionEmbeddings. A step
 * allocates nothing else, apart from the tensors handed to hooks.
 * @internal
 */
import { ValueError } from '../../core/errors.ts';
import type { DType } from '../../tensor/tensor.ts';
import type { ModelConfig } from '../config.ts';
import { applyLinear, applyStateHooks, RunState, stateDims, type ForwardModules } from './forward.ts';
import { attendQuery, rmsnorm, rope, ropeTables, swiglu, type Buf } from './kernels.ts';

/** A KV-cached decoder over one model; see `Model.decoder()`. */
export interface Decoder {
  /** Tokens consumed since the last reset: the position the next token takes. */
  readonly position: number;
  /**
   * Feed the next token; returns its logits (vocab,) in the model's dtype. The array is the decoder's own
   * and is overwritten by the next step: copy it to keep it.
   * @throws {ValueError} a token id outside [0, vocab), or a step past maxPositionEmbeddings.
   */
  step(token: number): Buf;
  /** Forget the sequence (position 0). Picks up a changed weight dtype or shape since the last reset. */
  reset(): void;
}

const FIRST_CAPACITY = 16;

export class KvDecoder implements Decoder {
  position = 0;
  private s!: RunState; //        one-row scratch: x, xb, o (1, dim); q, ao (1, H·hd); k, v (1, Hkv·hd); hb, hb2 (1, hidden)
  private logits!: Buf; //        (vocab,)
  private kCache: Buf[] = []; //  per layer (cap, Hkv·hd), rows 0..position-1 filled
  private vCache: Buf[] = []; //  per layer (cap, Hkv·hd)
  private att!: Buf; //           (cap,) one query's scores
  private cos = new Float64Array(0); // (cap, hd/2) RoPE
  private sin = new Float64Array(0); // (cap, hd/2)
  private cap = 0;

  constructor(
    private readonly m: ForwardModules,
    private readonly config: ModelConfig,
    private readonly dtypeOf: () => DType,
  ) {
    this.reset();
  }

  reset(): void {
    this.position = 0;
    const dims = stateDims(this.config, this.m);
    const dtype = this.dtypeOf();
    if (this.s && this.s.fits(1, dtype, dims) && this.logits.length === this.m.lmHead.outFeatures) return;
    this.s = new RunState(1, dtype, dims);
    this.logits = dtype === 'float64' ? new Float64Array(this.m.lmHead.outFeatures) : new Float32Array(this.m.lmHead.outFeatures);
    this.kCache = [];
    this.vCache = [];
    this.cap = 0;
    this.grow();
  }

  /** Double the capacity (at most maxPositionEmbeddings), keeping the cached rows. */
  private grow(): void {
    const cap = Math.min(this.config.maxPositionEmbeddings, Math.max(FIRST_CAPACITY, 2 * this.cap));
    const { kvDim, headDim, theta } = this.s.dims;
    const A = this.s.dtype === 'float64' ? Float64Array : Float32Array;
    const used = this.position * kvDim;
    const regrow = (old: Buf | undefined): Buf => {
      const b = new A(cap * kvDim);
      if (old) for (let i = 0; i < used; i++) b[i] = old[i];
      return b;
    };
    const L = this.m.layers.length;
    this.kCache = Array.from({ length: L }, (_, l) => regrow(this.kCache[l]));
    this.vCache = Array.from({ length: L }, (_, l) => regrow(this.vCache[l]));
    this.att = new A(cap);
    this.cos = new Float64Array((cap * headDim) / 2);
    this.sin = new Float64Array((cap * headDim) / 2);
    ropeTables(this.cos, this.sin, cap, headDim, theta);
    this.cap = cap;
  }

  step(token: number): Buf {
    const m = this.m, s = this.s, pos = this.position;
    const { dim, qDim, kvDim, hidden, headDim } = s.dims;
    const vocab = m.embedTokens.numEmbeddings;
    if (!Number.isInteger(token) || token < 0 || token >= vocab) {
      throw new ValueError(`Decoder.step: token ${token} at position ${pos}, expected an integer in [0, ${vocab})`);
    }
    if (pos >= this.config.maxPositionEmbeddings) {
      throw new ValueError(`Decoder.step: position ${pos} is past maxPositionEmbeddings ${this.config.maxPositionEmbeddings}`);
    }
    if (pos === this.cap) this.grow();
    const interleaved = m.rotaryEmb.style === 'interleaved';

    // 1. the token's embedding into the residual row x (1, dim)
    const E = m.embedTokens.weight.data, e0 = token * dim;
    for (let j = 0; j < dim; j++) s.x[j] = E[e0 + j];
    applyStateHooks(m.embedTokens.forwardHooks.fns(), m.embedTokens, s.x, 1, dim, 'forward');

    for (let l = 0; l < m.layers.length; l++) {
      const L = m.layers[l], a = L.selfAttn;
      const kc = this.kCache[l], vc = this.vCache[l];
      // 2. attention: q, k, v of the new token, RoPE at pos, hooks, append k and v, attend over 0..pos
      rmsnorm(s.xb, s.x, L.inputLayernorm.weight.data, 1, dim, L.inputLayernorm.eps);
      applyLinear(L.qProj, s.xb, s.q, 1, dim, qDim);
      applyLinear(L.kProj, s.xb, s.k, 1, dim, kvDim);
      applyLinear(L.vProj, s.xb, s.v, 1, dim, kvDim);
      rope(s.q, 1, a.numHeads, headDim, this.cos, this.sin, interleaved, pos);
      rope(s.k, 1, a.numKvHeads, headDim, this.cos, this.sin, interleaved, pos);
      applyStateHooks(a.queryHooks.fns(), a, s.q, 1, qDim, 'query');
      applyStateHooks(a.keyHooks.fns(), a, s.k, 1, kvDim, 'key');
      applyStateHooks(a.valueHooks.fns(), a, s.v, 1, kvDim, 'value');
      const c0 = pos * kvDim;
      for (let i = 0; i < kvDim; i++) {
        kc[c0 + i] = s.k[i];
        vc[c0 + i] = s.v[i];
      }
      attendQuery(s.ao, s.q, 0, kc, vc, this.att, pos, a.numHeads, a.numKvHeads, headDim);
      applyLinear(L.oProj, s.ao, s.o, 1, qDim, dim);
      for (let i = 0; i < dim; i++) s.x[i] += s.o[i];

      // 3. MLP: x += down(silu(gate(xb)) ⊙ up(xb))
      rmsnorm(s.xb, s.x, L.postAttentionLayernorm.weight.data, 1, dim, L.postAttentionLayernorm.eps);
      applyLinear(L.gateProj, s.xb, s.hb, 1, dim, hidden);
      applyLinear(L.upProj, s.xb, s.hb2, 1, dim, hidden);
      swiglu(s.hb, s.hb2, hidden);
      applyLinear(L.downProj, s.hb, s.o, 1, hidden, dim);
      for (let i = 0; i < dim; i++) s.x[i] += s.o[i];
    }

    // 4. final norm and classifier into the reused logits row (vocab,)
    rmsnorm(s.xb, s.x, m.norm.weight.data, 1, dim, m.norm.eps);
    applyLinear(m.lmHead, s.xb, this.logits, 1, dim, m.lmHead.outFeatures);
    this.position = pos + 1;
    return this.logits;
  }
}
