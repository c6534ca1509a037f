/**
 * The module tree of a Llama model, named and classed as Hugging Face's `LlamaForCausalLM`
 * (shared/spec/spinquant.md §1). Modules are plain holders of weights and hooks; the forward pass lives in
 * `forward/`. `Module` is a discriminated union on `kind`.
 */
import type { Tensor } from '../tensor/tensor.ts';
import { HookList, type HookAddOptions, type RemovableHandle } from './_internals/hooks.ts';
import type { RopeStyle } from './config.ts';

export type { HookAddOptions, RemovableHandle };

/** Runs before a Linear's matmul with its input `x` [tokens, inFeatures]; may return a replacement. */
export type LinearPreHook = (x: Tensor, module: Linear) => Tensor | void;
/** Runs after a Linear's matmul (bias included) with `y` [tokens, outFeatures]; may return a replacement. */
export type LinearForwardHook = (y: Tensor, module: Linear) => Tensor | void;
/**
 * Runs on query states [tokens, numHeads*headDim] or key states [tokens, numKvHeads*headDim], after RoPE and
 * before the attention scores (and before keys enter the KV cache); may return a replacement.
 */
export type AttentionStateHook = (states: Tensor, module: LlamaAttention) => Tensor | void;
/** Runs after an Embedding's lookup with `y` [tokens, embeddingDim]; may return a replacement. */
export type EmbeddingForwardHook = (y: Tensor, module: Embedding) => Tensor | void;

abstract class ModuleBase {
  /** Submodules by local name, in registration order (namedModules walks them depth first). */
  readonly children = new Map<string, Module>();
  constructor(
    /** Full dotted name ('' for the root). */
    readonly name: string,
    readonly className: string,
    /** This class and its ancestors, most derived first, ending in 'Module'. */
    readonly classChain: readonly string[],
  ) {}
}

/** `torch.nn.Linear`: `y = x·Wᵀ (+ b)`. */
export class Linear extends ModuleBase {
  readonly kind = 'linear' as const;
  /** @internal */ readonly preHooks: HookList<LinearPreHook>;
  /** @internal */ readonly forwardHooks: HookList<LinearForwardHook>;
  constructor(
    name: string,
    /** [outFeatures, inFeatures] */
    public weight: Tensor,
    /** [outFeatures] or null */
    public bias: Tensor | null = null,
    hooks?: { pre: HookList<LinearPreHook>; fwd: HookList<LinearForwardHook> },
  ) {
    super(name, 'Linear', ['Linear', 'Module']);
    this.preHooks = hooks?.pre ?? new HookList();
    this.forwardHooks = hooks?.fwd ?? new HookList();
  }
  get inFeatures(): number {
    return this.weight.shape[1];
  }
  get outFeatures(): number {
    return this.weight.shape[0];
  }
  /**
   * Hooks run in registration order, each seeing the previous one's result; `prepend` puts this one before
   * those registered earlier (torch `prepend=True`).
   */
  registerForwardPreHook(fn: LinearPreHook, options: HookAddOptions = {}): RemovableHandle {
    return this.preHooks.add(fn, options);
  }
  registerForwardHook(fn: LinearForwardHook, options: HookAddOptions = {}): RemovableHandle {
    return this.forwardHooks.add(fn, options);
  }
}

/** `torch.nn.Embedding`: row `i` of the weight is token `i`'s vector. */
export class Embedding extends ModuleBase {
  readonly kind = 'embedding' as const;
  /** @internal */ readonly forwardHooks: HookList<EmbeddingForwardHook>;
  constructor(
    name: string,
    /** [numEmbeddings, embeddingDim] */
    public weight: Tensor,
    hooks?: { fwd: HookList<EmbeddingForwardHook> },
  ) {
    super(name, 'Embedding', ['Embedding', 'Module']);
    this.forwardHooks = hooks?.fwd ?? new HookList();
  }
  /** Hooks on the looked-up vectors (an online `output` transform), in registration order. */
  registerForwardHook(fn: EmbeddingForwardHook, options: HookAddOptions = {}): RemovableHandle {
    return this.forwardHooks.add(fn, options);
  }
  get numEmbeddings(): number {
    return this.weight.shape[0];
  }
  get embeddingDim(): number {
    return this.weight.shape[1];
  }
}

/** `LlamaRMSNorm`: `y = g ⊙ x / sqrt(mean(x²) + eps)`. */
export class LlamaRMSNorm extends ModuleBase {
  readonly kind = 'rmsnorm' as const;
  constructor(
    name: string,
    /** [dim] */
    public weight: Tensor,
    public eps: number,
  ) {
    super(name, 'LlamaRMSNorm', ['LlamaRMSNorm', 'Module']);
  }
}

/** `LlamaAttention`: holds q/k/v/o_proj as children and the query/key/value state hooks (R3's `q_attn`/`k_cache`, the KV cache's k/v). */
export class LlamaAttention extends ModuleBase {
  readonly kind = 'attention' as const;
  /** @internal */ readonly queryHooks: HookList<AttentionStateHook>;
  /** @internal */ readonly keyHooks: HookList<AttentionStateHook>;
  /** @internal */ readonly valueHooks: HookList<AttentionStateHook>;
  constructor(
    name: string,
    readonly numHeads: number,
    readonly numKvHeads: number,
    readonly headDim: number,
    readonly layerIdx: number,
    hooks?: { q: HookList<AttentionStateHook>; k: HookList<AttentionStateHook>; v?: HookList<AttentionStateHook> },
  ) {
    super(name, 'LlamaAttention', ['LlamaAttention', 'Module']);
    this.queryHooks = hooks?.q ?? new HookList();
    this.keyHooks = hooks?.k ?? new HookList();
    this.valueHooks = hooks?.v ?? new HookList();
  }
  /** Query states [tokens, numHeads*headDim] after RoPE, before the scores. */
  registerQueryHook(fn: AttentionStateHook, options: HookAddOptions = {}): RemovableHandle {
    return this.queryHooks.add(fn, options);
  }
  /** Key states [tokens, numKvHeads*headDim] after RoPE, before the scores and the KV cache. */
  registerKeyHook(fn: AttentionStateHook, options: HookAddOptions = {}): RemovableHandle {
    return this.keyHooks.add(fn, options);
  }
  /** Value states [tokens, numKvHeads*headDim], before the scores and the KV cache (where upstream's KV-cache quantization acts). */
  registerValueHook(fn: AttentionStateHook, options: HookAddOptions = {}): RemovableHandle {
    return this.valueHooks.add(fn, options);
  }
}

/** Structural modules without weights: LlamaForCausalLM, LlamaModel, ModuleList, LlamaDecoderLayer, LlamaMLP. */
export class Container extends ModuleBase {
  readonly kind = 'container' as const;
}

/** `SiLU` (`mlp.act_fn`): `x·sigmoid(x)`, applied inside the MLP as `silu(gate)·up`. */
export class SiLU extends ModuleBase {
  readonly kind = 'activation' as const;
  constructor(name: string) {
    super(name, 'SiLU', ['SiLU', 'Module']);
  }
}

/** `LlamaRotaryEmbedding` (`model.rotary_emb`): RoPE parameters; no weights. */
export class LlamaRotaryEmbedding extends ModuleBase {
  readonly kind = 'rotary' as const;
  constructor(
    name: string,
    readonly headDim: number,
    readonly theta: number,
    readonly style: RopeStyle,
  ) {
    super(name, 'LlamaRotaryEmbedding', ['LlamaRotaryEmbedding', 'Module']);
  }
}

/**
 * Any other module attached with `Model.registerModule` (e.g. an online transform `…down_proj.R4_input`).
 * The forward pass ignores it; whatever it does runs through hooks.
 */
export class OtherModule extends ModuleBase {
  readonly kind = 'other' as const;
  /** Free-form payload for the owner (e.g. the transform matrix). */
  data: unknown;
  constructor(name: string, className: string, classChain?: readonly string[], data?: unknown) {
    super(name, className, classChain ?? [className, 'Module']);
    this.data = data;
  }
}

export type Module = Linear | Embedding | LlamaRMSNorm | LlamaAttention | Container | SiLU | LlamaRotaryEmbedding | OtherModule;
type ModuleKind = Module['kind'];

export const CLASS_CHAINS = {
  LlamaForCausalLM: ['LlamaForCausalLM', 'LlamaPreTrainedModel', 'PreTrainedModel', 'Module'],
  LlamaModel: ['LlamaModel', 'LlamaPreTrainedModel', 'PreTrainedModel', 'Module'],
  ModuleList: ['ModuleList', 'Module'],
  LlamaDecoderLayer: ['LlamaDecoderLayer', 'GradientCheckpointingLayer', 'Module'],
  LlamaMLP: ['LlamaMLP', 'Module'],
} as const satisfies Record<string, readonly string[]>;

export function container(name: string, cls: keyof typeof CLASS_CHAINS): Container {
  return new Container(name, cls, CLASS_CHAINS[cls]);
}
