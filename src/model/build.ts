/**
 * Assemble a Model from HF-named tensors ('model.layers.0.self_attn.q_proj.weight', …), checking that each is
 * present with the shape the config implies.
 * @internal
 */
import { ValueError } from '../core/errors.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { getHeadDim, type ModelConfig } from './config.ts';
import { Model } from './model.ts';
import {
  Embedding, Linear, LlamaAttention, LlamaRMSNorm, LlamaRotaryEmbedding, SiLU, container, type Module,
} from './modules.ts';

/** The HF tensor names and shapes a config implies (lm_head.weight only when untied). */
export function expectedTensors(config: ModelConfig): Array<[string, number[]]> {
  return [...eachExpectedTensor(config)];
}

/** {@link expectedTensors} one at a time, so a loader can stop at the first missing one of a huge config. */
export function* eachExpectedTensor(config: ModelConfig): Generator<[string, number[]]> {
  const dim = config.hiddenSize, hd = getHeadDim(config), hidden = config.intermediateSize;
  const qDim = config.numAttentionHeads * hd, kvDim = config.numKeyValueHeads * hd;
  yield ['model.embed_tokens.weight', [config.vocabSize, dim]];
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `model.layers.${i}`;
    yield* [
      [`${p}.self_attn.q_proj.weight`, [qDim, dim]],
      [`${p}.self_attn.k_proj.weight`, [kvDim, dim]],
      [`${p}.self_attn.v_proj.weight`, [kvDim, dim]],
      [`${p}.self_attn.o_proj.weight`, [dim, qDim]],
      [`${p}.mlp.gate_proj.weight`, [hidden, dim]],
      [`${p}.mlp.up_proj.weight`, [hidden, dim]],
      [`${p}.mlp.down_proj.weight`, [dim, hidden]],
      [`${p}.input_layernorm.weight`, [dim]],
      [`${p}.post_attention_layernorm.weight`, [dim]],
    ] as Array<[string, number[]]>;
  }
  yield ['model.norm.weight', [dim]];
  if (!config.tieWordEmbeddings) yield ['lm_head.weight', [config.vocabSize, dim]];
}

function checkConfig(config: ModelConfig, file: string): void {
  const hd = getHeadDim(config);
  const bad = (what: string): never => {
    throw new ValueError(`${file}: ${what}`);
  };
  if (hd % 2 !== 0) bad(`head_dim ${hd} must be even for rotary embeddings`);
  if (config.numAttentionHeads % config.numKeyValueHeads !== 0) {
    bad(`num_attention_heads ${config.numAttentionHeads} is not a multiple of num_key_value_heads ${config.numKeyValueHeads}`);
  }
}

/**
 * Build the module tree in HF `named_modules()` order. `tensors` maps HF names to tensors; missing names or
 * wrong shapes throw ValueError naming `file`. With `tieWordEmbeddings`, lm_head shares embed_tokens' Tensor.
 * Optional `….bias` tensors are picked up for the Linear layers.
 */
export function buildModel(config: ModelConfig, tensors: Map<string, Tensor>, file: string): Model {
  checkConfig(config, file);
  const shapes = new Map(expectedTensors(config));
  const get = (name: string): Tensor => {
    const want = shapes.get(name)!;
    const t = tensors.get(name);
    if (!t) throw new ValueError(`${file}: missing tensor '${name}' (expected shape [${want.join(', ')}])`);
    if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
      throw new ValueError(`${file}: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${want.join(', ')}]`);
    }
    return t;
  };
  const bias = (name: string, out: number): Tensor | null => {
    const t = tensors.get(name);
    if (!t) return null;
    if (t.shape.length !== 1 || t.shape[0] !== out) {
      throw new ValueError(`${file}: tensor '${name}' has shape [${t.shape.join(', ')}], expected [${out}]`);
    }
    return t;
  };
  const linear = (name: string): Linear => {
    const w = get(`${name}.weight`);
    return new Linear(name, w, bias(`${name}.bias`, w.shape[0]));
  };
  const add = (parent: Module, local: string, child: Module): void => {
    parent.children.set(local, child);
  };

  const hd = getHeadDim(config);
  const root = container('', 'LlamaForCausalLM');
  const model = container('model', 'LlamaModel');
  add(root, 'model', model);
  const embed = new Embedding('model.embed_tokens', get('model.embed_tokens.weight'));
  add(model, 'embed_tokens', embed);
  const layers = container('model.layers', 'ModuleList');
  add(model, 'layers', layers);
  for (let i = 0; i < config.numHiddenLayers; i++) {
    const p = `model.layers.${i}`;
    const layer = container(p, 'LlamaDecoderLayer');
    add(layers, String(i), layer);
    const attn = new LlamaAttention(`${p}.self_attn`, config.numAttentionHeads, config.numKeyValueHeads, hd, i);
    add(layer, 'self_attn', attn);
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) add(attn, proj, linear(`${p}.self_attn.${proj}`));
    const mlp = container(`${p}.mlp`, 'LlamaMLP');
    add(layer, 'mlp', mlp);
    for (const proj of ['gate_proj', 'up_proj', 'down_proj']) add(mlp, proj, linear(`${p}.mlp.${proj}`));
    add(mlp, 'act_fn', new SiLU(`${p}.mlp.act_fn`));
    add(layer, 'input_layernorm', new LlamaRMSNorm(`${p}.input_layernorm`, get(`${p}.input_layernorm.weight`), config.rmsNormEps));
    add(layer, 'post_attention_layernorm',
      new LlamaRMSNorm(`${p}.post_attention_layernorm`, get(`${p}.post_attention_layernorm.weight`), config.rmsNormEps));
  }
  add(model, 'norm', new LlamaRMSNorm('model.norm', get('model.norm.weight'), config.rmsNormEps));
  add(model, 'rotary_emb', new LlamaRotaryEmbedding('model.rotary_emb', hd, config.ropeTheta, config.ropeStyle));
  add(root, 'lm_head', config.tieWordEmbeddings ? new Linear('lm_head', embed.weight) : linear('lm_head'));
  return new Model(config, root);
}
