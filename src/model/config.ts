/**
 * Llama model configuration: Hugging Face `LlamaConfig` fields in camelCase, plus `ropeStyle`
 * (ours), which says how rotary embeddings pair the dimensions of a head.
 */
import { ValueError } from '../core/errors.ts';

/**
 * How RoPE pairs the dimensions of each head.
 * - `interleaved`: pairs `(2i, 2i+1)` (llama2.c's run.c and Meta's original Llama code; stories260K was trained so).
 * - `half`: pairs `(i, i + headDim/2)`, Hugging Face's `rotate_half` (HF checkpoints).
 * Both use frequency `theta^(-2i/headDim)` for pair `i`.
 */
export type RopeStyle = 'interleaved' | 'half';

export interface ModelConfig {
  hiddenSize: number;
  intermediateSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  /** Optional; `getHeadDim` falls back to `floor(hiddenSize / numAttentionHeads)`. */
  headDim?: number;
  vocabSize: number;
  rmsNormEps: number;
  tieWordEmbeddings: boolean;
  maxPositionEmbeddings: number;
  ropeTheta: number;
  /** Ours (not in HF's config): `'interleaved'` for llama2.c checkpoints, `'half'` for HF ones. */
  ropeStyle: RopeStyle;
}

/**
 * The attention head size: `headDim` if defined, else `floor(hiddenSize / numAttentionHeads)`.
 *
 * @throws {ValueError} T1 when neither is available (the message carries the config as JSON).
 */
export function getHeadDim(config: Partial<ModelConfig>): number {
  if (config.headDim !== undefined && config.headDim !== null) return config.headDim;
  const { hiddenSize, numAttentionHeads } = config;
  if (typeof hiddenSize === 'number' && typeof numAttentionHeads === 'number' && numAttentionHeads !== 0) {
    return Math.floor(hiddenSize / numAttentionHeads);
  }
  throw new ValueError(
    'Cannot determine head_dim from config. Config must define either `head_dim` or both `hidden_size` and ' +
      `\`num_attention_heads\`. ${JSON.stringify(config)}`,
  );
}

/** HF `config.json` key ↔ our key. `llmc_sim_rope_style` is ours, so round trips keep llama2.c's RoPE. */
const HF_KEYS: ReadonlyArray<readonly [string, keyof ModelConfig]> = [
  ['hidden_size', 'hiddenSize'],
  ['intermediate_size', 'intermediateSize'],
  ['num_hidden_layers', 'numHiddenLayers'],
  ['num_attention_heads', 'numAttentionHeads'],
  ['num_key_value_heads', 'numKeyValueHeads'],
  ['head_dim', 'headDim'],
  ['vocab_size', 'vocabSize'],
  ['rms_norm_eps', 'rmsNormEps'],
  ['tie_word_embeddings', 'tieWordEmbeddings'],
  ['max_position_embeddings', 'maxPositionEmbeddings'],
  ['rope_theta', 'ropeTheta'],
  ['llmc_sim_rope_style', 'ropeStyle'],
];

/** A `config.json` field of the wrong type or out of range: names the file, the field and the value. */
export class ConfigFieldError extends ValueError {
  constructor(readonly file: string, readonly key: string, readonly expected: string, value: unknown) {
    super(`${file}: \`${key}\` must be ${expected}, got ${showJson(value)}`);
  }
}

const showJson = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v));

/**
 * Parse a Hugging Face Llama `config.json` object, with HF's defaults for missing (or null) optional
 * fields. Every field we read is type-checked: a wrong type is a {@link ConfigFieldError}, never a
 * silent default (`tie_word_embeddings: "true"` is refused, not read as false).
 */
export function configFromHF(json: Record<string, unknown>, file: string): ModelConfig {
  const has = (key: string) => Object.hasOwn(json, key) && json[key] !== null && json[key] !== undefined;
  const need = (key: string): number => {
    const v = json[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new ConfigFieldError(file, key, 'a positive integer', v);
    return v;
  };
  const positive = (key: string, dflt: number): number => {
    if (!has(key)) return dflt;
    const v = json[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ConfigFieldError(file, key, 'a positive finite number', v);
    return v;
  };
  const bool = (key: string, dflt: boolean): boolean => {
    if (!has(key)) return dflt;
    const v = json[key];
    if (typeof v !== 'boolean') throw new ConfigFieldError(file, key, 'true or false', v);
    return v;
  };
  const ropeStyle = (): RopeStyle => {
    if (!has('llmc_sim_rope_style')) return 'half';
    const v = json.llmc_sim_rope_style;
    if (v !== 'interleaved' && v !== 'half') throw new ConfigFieldError(file, 'llmc_sim_rope_style', "'interleaved' or 'half'", v);
    return v;
  };
  const heads = need('num_attention_heads');
  const config: ModelConfig = {
    hiddenSize: need('hidden_size'),
    intermediateSize: need('intermediate_size'),
    numHiddenLayers: need('num_hidden_layers'),
    numAttentionHeads: heads,
    numKeyValueHeads: has('num_key_value_heads') ? need('num_key_value_heads') : heads,
    vocabSize: need('vocab_size'),
    rmsNormEps: positive('rms_norm_eps', 1e-6),
    tieWordEmbeddings: bool('tie_word_embeddings', false),
    maxPositionEmbeddings: has('max_position_embeddings') ? need('max_position_embeddings') : 2048,
    ropeTheta: positive('rope_theta', 10000),
    ropeStyle: ropeStyle(),
  };
  if (has('head_dim')) config.headDim = need('head_dim');
  return config;
}

/** The `config.json` object `saveSafetensors` writes (HF names, plus `architectures` and `model_type`). */
export function configToHF(config: ModelConfig, dtype: string): Record<string, unknown> {
  const out: Record<string, unknown> = { architectures: ['LlamaForCausalLM'], model_type: 'llama' };
  for (const [hf, ours] of HF_KEYS) if (config[ours] !== undefined) out[hf] = config[ours];
  out.hidden_act = 'silu';
  out.torch_dtype = dtype;
  return out;
}
