/**
 * A seeded, deterministic Llama with the outlier structure of real LLMs: a few residual-stream channels
 * ("massive activations") carry values 10–30× the rest, because the embedding and the decoder norms' gains
 * are scaled up on them. Per-token 4-bit activation quantization and per-row 4-bit weight quantization (after
 * norm fusion) lose most of the other channels' precision to those outliers; a Hadamard rotation (R1)
 * spreads them out, which is what SpinQuant exists for.
 */
import { ValueError } from '../core/errors.ts';
import { Tensor } from '../tensor/tensor.ts';
import type { ModelConfig } from './config.ts';
import { buildModel, expectedTensors } from './build.ts';
import type { Model } from './model.ts';
import { SplitMix32 } from '../tensor/rng.ts';

/** Options for createSyntheticModel (all optional). */
export interface SyntheticModelOptions {
  /** PRNG seed. @defaultValue 0 */
  seed?: number;
  /** hidden size. @defaultValue 256 (a multiple of 128, so group-128 presets such as W4A16 apply) */
  dim?: number;
  /** MLP intermediate size. @defaultValue 512 (a multiple of 128: down_proj passes W4A16's group check) */
  hiddenDim?: number;
  /** decoder layers. @defaultValue 2 */
  layers?: number;
  /** attention heads (head dim = dim / heads = 32 by default). @defaultValue 8 */
  heads?: number;
  /** key/value heads (grouped-query attention). @defaultValue 4 */
  kvHeads?: number;
  /** vocabulary size. @defaultValue 512 */
  vocab?: number;
  /** residual channels with outlier magnitude (channels 0, 1·dim/k, … spread evenly). @defaultValue 4 */
  outlierChannels?: number;
}

/** The outlier channel indices createSyntheticModel uses for `dim` and `count`. */
export function syntheticOutlierChannels(dim: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.floor((i * dim) / count) + ((7 * i + 3) % Math.max(1, Math.floor(dim / count))));
  return out;
}

/**
 * Build the synthetic model: tied embeddings, ropeStyle 'half', RMSNorm eps 1e-5, float32.
 * Same options → same weights (same `contentHash()`).
 *
 * @throws {ValueError} dimensions that do not make a Llama (dim % heads, heads % kvHeads, odd head dim, …).
 */
export function createSyntheticModel(options: SyntheticModelOptions = {}): Model {
  const {
    seed = 0, dim = 256, hiddenDim = 512, layers = 2, heads = 8, kvHeads = 4, vocab = 512, outlierChannels = 4,
  } = options;
  for (const [k, v] of Object.entries({ dim, hiddenDim, layers, heads, kvHeads, vocab })) {
    if (!Number.isInteger(v) || v <= 0) throw new ValueError(`createSyntheticModel: ${k} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(outlierChannels) || outlierChannels < 0 || outlierChannels > dim) {
    throw new ValueError(`createSyntheticModel: outlierChannels must be an integer in [0, ${dim}], got ${outlierChannels}`);
  }
  if (dim % heads !== 0) throw new ValueError(`createSyntheticModel: dim ${dim} is not a multiple of heads ${heads}`);
  const config: ModelConfig = {
    hiddenSize: dim,
    intermediateSize: hiddenDim,
    numHiddenLayers: layers,
    numAttentionHeads: heads,
    numKeyValueHeads: kvHeads,
    vocabSize: vocab,
    rmsNormEps: 1e-5,
    tieWordEmbeddings: true,
    maxPositionEmbeddings: 2048,
    ropeTheta: 10000,
    ropeStyle: 'half',
  };
  const rng = SplitMix32.fromSeed(seed);
  const outliers = syntheticOutlierChannels(dim, outlierChannels);
  // per outlier channel: magnitude ×10–30 and a fixed sign (massive activations keep their sign across tokens)
  const boost = outliers.map(() => rng.uniform(10, 30));
  const sign = outliers.map(() => (rng.next() < 0.5 ? -1 : 1));

  const tensors = new Map<string, Tensor>();
  for (const [name, shape] of expectedTensors(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (name === 'model.embed_tokens.weight') {
      // rows N(0, 0.1²); outlier columns: boost·(0.1·sign + 0.03·N)
      for (let i = 0; i < n; i++) data[i] = 0.1 * rng.normal();
      for (let v = 0; v < vocab; v++) {
        outliers.forEach((c, k) => (data[v * dim + c] = boost[k] * (0.1 * sign[k] + 0.03 * rng.normal())));
      }
    } else if (shape.length === 1) {
      // RMSNorm gains: U(0.6, 1.4); on outlier channels the decoder norms also amplify (×boost/4), the final
      // norm damps (×0.05) so the tied classifier's logits stay in a realistic range
      for (let i = 0; i < n; i++) data[i] = rng.uniform(0.6, 1.4);
      const final = name === 'model.norm.weight';
      outliers.forEach((c, k) => (data[c] *= final ? 0.05 : boost[k] / 4));
    } else {
      // Linear [out, in]: N(0, 1/in); writers into the residual (o_proj, down_proj) at 0.1× that, so the
      // residual's ordinary channels grow slowly and the outliers stay 8–45× the median linear input
      const writer = name.endsWith('o_proj.weight') || name.endsWith('down_proj.weight');
      const std = (writer ? 0.1 : 1) / Math.sqrt(shape[1]);
      for (let i = 0; i < n; i++) data[i] = std * rng.normal();
    }
    tensors.set(name, new Tensor(data, shape));
  }
  return buildModel(config, tensors, 'createSyntheticModel');
}
