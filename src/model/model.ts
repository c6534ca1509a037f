/**
 * `Model`: a Llama causal LM as a tree of named modules (Hugging Face names, spinquant.md §1) plus a forward
 * pass. Weights are mutable: modifiers assign `module.weight = t` or edit `weight.data` in place. A tied
 * `lm_head` shares the very Tensor object of `model.embed_tokens` until `untieWordEmbeddings()`.
 */
import { ValueError } from '../core/errors.ts';
import { Tensor, type DType } from '../tensor/tensor.ts';
import type { ModelConfig } from './config.ts';
import { Fnv64 } from './_internals/hash.ts';
import {
  Container, Embedding, Linear, LlamaAttention, LlamaRMSNorm, LlamaRotaryEmbedding, OtherModule, SiLU,
  type Module,
} from './modules.ts';
import { RunState, runForward, stateDims, type ForwardModules } from './forward/forward.ts';
import { KvDecoder, type Decoder } from './forward/decoder.ts';

export class Model {
  /** HF config in camelCase; `untieWordEmbeddings()` sets `tieWordEmbeddings` false. */
  config: ModelConfig;
  /** The root module `''` (LlamaForCausalLM). */
  readonly root: Container;
  private readonly fm: ForwardModules;
  private runState: RunState | null = null;
  private index: Map<string, Module> | null = null;

  /** @internal Use loadModel / createSyntheticModel; `root` must hold the full Llama tree. */
  constructor(config: ModelConfig, root: Container) {
    this.config = config;
    this.root = root;
    this.fm = this.resolve();
  }

  private resolve(): ForwardModules {
    const get = <K extends Module['kind']>(name: string, kind: K): Extract<Module, { kind: K }> => {
      const m = this.getModule(name);
      if (!m || m.kind !== kind) throw new ValueError(`Model is missing module '${name}' of kind ${kind}`);
      return m as Extract<Module, { kind: K }>;
    };
    const layers: ForwardModules['layers'] = [];
    for (let i = 0; i < this.config.numHiddenLayers; i++) {
      const p = `model.layers.${i}`;
      layers.push({
        inputLayernorm: get(`${p}.input_layernorm`, 'rmsnorm'),
        selfAttn: get(`${p}.self_attn`, 'attention'),
        qProj: get(`${p}.self_attn.q_proj`, 'linear'),
        kProj: get(`${p}.self_attn.k_proj`, 'linear'),
        vProj: get(`${p}.self_attn.v_proj`, 'linear'),
        oProj: get(`${p}.self_attn.o_proj`, 'linear'),
        postAttentionLayernorm: get(`${p}.post_attention_layernorm`, 'rmsnorm'),
        gateProj: get(`${p}.mlp.gate_proj`, 'linear'),
        upProj: get(`${p}.mlp.up_proj`, 'linear'),
        downProj: get(`${p}.mlp.down_proj`, 'linear'),
      });
    }
    return {
      embedTokens: get('model.embed_tokens', 'embedding'),
      layers,
      norm: get('model.norm', 'rmsnorm'),
      rotaryEmb: get('model.rotary_emb', 'rotary'),
      lmHead: get('lm_head', 'linear'),
    };
  }

  /** Every module, depth first in registration order (HF's `named_modules()`), root `''` first. */
  namedModules(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    const walk = (m: Module): void => {
      out.push([m.name, m]);
      for (const c of m.children.values()) walk(c);
    };
    walk(this.root);
    return out;
  }

  getModule(name: string): Module | undefined {
    this.index ??= new Map(this.namedModules());
    return this.index.get(name);
  }

  /**
   * Attach a module under `parentName` as `parentName.localName` (e.g. an online transform
   * `model.layers.0.mlp.down_proj.R4_input`); it appears in `namedModules()` right after its parent's
   * existing children. The forward pass ignores it (its work runs through hooks).
   */
  registerModule(parentName: string, localName: string, className: string, options: { classChain?: string[]; data?: unknown } = {}): OtherModule {
    const parent = this.getModule(parentName);
    if (!parent) throw new ValueError(`registerModule: no module named '${parentName}'`);
    if (!localName || localName.includes('.')) throw new ValueError(`registerModule: bad local name '${localName}'`);
    if (parent.children.has(localName)) throw new ValueError(`registerModule: '${parentName}' already has a child '${localName}'`);
    const name = parentName === '' ? localName : `${parentName}.${localName}`;
    const m = new OtherModule(name, className, options.classChain, options.data);
    parent.children.set(localName, m);
    this.index = null;
    return m;
  }

  /** Detach a module added with `registerModule`. */
  removeModule(name: string): void {
    const m = this.getModule(name);
    if (!m || m.kind !== 'other') throw new ValueError(`removeModule: '${name}' is not a registered module`);
    const cut = name.lastIndexOf('.');
    const parent = this.getModule(cut < 0 ? '' : name.slice(0, cut))!;
    parent.children.delete(cut < 0 ? name : name.slice(cut + 1));
    this.index = null;
  }

  get embedTokens(): Embedding {
    return this.fm.embedTokens;
  }
  get lmHead(): Linear {
    return this.fm.lmHead;
  }
  /** True while lm_head and embed_tokens share one weight Tensor. */
  get tied(): boolean {
    return this.fm.lmHead.weight === this.fm.embedTokens.weight;
  }

  /** 'float64' if any weight is float64, else 'float32'. The forward computes and returns logits in it. */
  get dtype(): DType {
    for (const t of this.weights()) if (t.dtype === 'float64') return 'float64';
    return 'float32';
  }

  /** Each distinct weight/bias Tensor once, in namedModules order, with its first owner's name. */
  private *weights(): Generator<Tensor> {
    const seen = new Set<Tensor>();
    for (const [, m] of this.namedModules()) {
      for (const t of moduleTensors(m)) {
        if (!seen.has(t)) {
          seen.add(t);
          yield t;
        }
      }
    }
  }

  /**
   * Logits [tokens, vocab] for a token sequence, causal attention over all of it. Float32 weights give float32
   * logits; any float64 weight makes the whole pass (and the logits) float64.
   *
   * @throws {ValueError} empty input, a token id outside [0, vocab), or more tokens than maxPositionEmbeddings.
   */
  forward(tokens: ArrayLike<number>): Tensor {
    const T = tokens.length;
    const vocab = this.fm.embedTokens.numEmbeddings;
    if (T === 0) throw new ValueError('Model.forward needs at least one token');
    if (T > this.config.maxPositionEmbeddings) {
      throw new ValueError(`Model.forward got ${T} tokens, more than maxPositionEmbeddings ${this.config.maxPositionEmbeddings}`);
    }
    for (let i = 0; i < T; i++) {
      const t = tokens[i];
      if (!Number.isInteger(t) || t < 0 || t >= vocab) {
        throw new ValueError(`Model.forward: token ${i} is ${t}, expected an integer in [0, ${vocab})`);
      }
    }
    const dims = stateDims(this.config, this.fm);
    const dtype = this.dtype;
    if (!this.runState || !this.runState.fits(T, dtype, dims)) this.runState = new RunState(T, dtype, dims);
    return runForward(this.fm, tokens, this.runState);
  }

  /**
   * An incremental decoder with a KV cache: `step(token)` returns that token's logits (vocab,), bit-identical
   * to the matching row of `forward(prefix)` under row-wise hooks (see forward/decoder.ts), at the cost of one
   * token-forward per step. The weights' dtype and shapes are read at creation and at each `reset()`.
   */
  decoder(): Decoder {
    return new KvDecoder(this.fm, this.config, () => this.dtype);
  }

  /** Give embed_tokens and lm_head each their own copy of the weight (even if already untied: S15). */
  untieWordEmbeddings(): void {
    this.fm.embedTokens.weight = this.fm.embedTokens.weight.clone();
    this.fm.lmHead.weight = this.fm.lmHead.weight.clone();
    this.config.tieWordEmbeddings = false;
  }

  /** Convert every weight to `dtype` in place, keeping shared tensors shared. */
  to(dtype: DType): this {
    const map = new Map<Tensor, Tensor>();
    const conv = (t: Tensor): Tensor => {
      let c = map.get(t);
      if (!c) map.set(t, (c = t.dtype === dtype ? t : t.to(dtype)));
      return c;
    };
    for (const [, m] of this.namedModules()) {
      if (m.kind === 'linear') {
        m.weight = conv(m.weight);
        if (m.bias) m.bias = conv(m.bias);
      } else if (m.kind === 'embedding' || m.kind === 'rmsnorm') m.weight = conv(m.weight);
    }
    return this;
  }

  /**
   * A deep copy: new weight tensors (a tensor shared by several modules stays shared in the copy), the same
   * config values, and the same hook functions registered afresh (handles from this model don't reach the copy).
   */
  clone(): Model {
    const map = new Map<Tensor, Tensor>();
    const ct = (t: Tensor): Tensor => {
      let c = map.get(t);
      if (!c) map.set(t, (c = t.clone()));
      return c;
    };
    const copy = (m: Module): Module => {
      let n: Module;
      switch (m.kind) {
        case 'linear':
          n = new Linear(m.name, ct(m.weight), m.bias ? ct(m.bias) : null, { pre: m.preHooks.copy(), fwd: m.forwardHooks.copy() });
          break;
        case 'embedding':
          n = new Embedding(m.name, ct(m.weight), { fwd: m.forwardHooks.copy() });
          break;
        case 'rmsnorm':
          n = new LlamaRMSNorm(m.name, ct(m.weight), m.eps);
          break;
        case 'attention':
          n = new LlamaAttention(m.name, m.numHeads, m.numKvHeads, m.headDim, m.layerIdx, { q: m.queryHooks.copy(), k: m.keyHooks.copy(), v: m.valueHooks.copy() });
          break;
        case 'container':
          n = new Container(m.name, m.className, m.classChain);
          break;
        case 'activation':
          n = new SiLU(m.name);
          break;
        case 'rotary':
          n = new LlamaRotaryEmbedding(m.name, m.headDim, m.theta, m.style);
          break;
        case 'other':
          n = new OtherModule(m.name, m.className, m.classChain, m.data);
          break;
      }
      for (const [k, c] of m.children) n.children.set(k, copy(c));
      return n;
    };
    return new Model(structuredClone(this.config), copy(this.root) as Container);
  }

  /**
   * A 64-bit hex fingerprint of everything that decides the outputs: config, module names and classes,
   * weight dtypes, shapes and bytes, which tensors are shared, and how many hooks each module has (hook
   * functions themselves cannot be hashed; `{ includeHooks: false }` leaves the counts out). Same weights and
   * structure → same hash. ~2 ms for the synthetic default (1.4 M weights).
   */
  contentHash(options: { includeHooks?: boolean } = {}): string {
    const hooks = options.includeHooks ?? true;
    const h = new Fnv64().string(JSON.stringify(this.config));
    const firstOwner = new Map<Tensor, string>();
    for (const [name, m] of this.namedModules()) {
      h.string(`${name}:${m.className}`);
      if (hooks && m.kind === 'linear') h.string(`hooks ${m.preHooks.size} ${m.forwardHooks.size}`);
      if (hooks && m.kind === 'attention') h.string(m.valueHooks.size ? `hooks ${m.queryHooks.size} ${m.keyHooks.size} ${m.valueHooks.size}` : `hooks ${m.queryHooks.size} ${m.keyHooks.size}`);
      if (hooks && m.kind === 'embedding' && m.forwardHooks.size > 0) h.string(`hooks ${m.forwardHooks.size}`);
      for (const t of moduleTensors(m)) {
        const owner = firstOwner.get(t);
        if (owner !== undefined) {
          h.string(`shared ${owner}`);
          continue;
        }
        firstOwner.set(t, name);
        h.string(`${t.dtype}[${t.shape.join(',')}]`).typed(t.data);
      }
    }
    return h.hex();
  }
}

function moduleTensors(m: Module): Tensor[] {
  if (m.kind === 'linear') return m.bias ? [m.weight, m.bias] : [m.weight];
  if (m.kind === 'embedding' || m.kind === 'rmsnorm') return [m.weight];
  return [];
}
