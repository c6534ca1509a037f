/**
 * llama2.c checkpoint reader (karpathy/llama2.c run.c `read_checkpoint`, legacy version-0 format).
 *
 * Layout: 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative
 * vocab_size means an unshared classifier), then float32 arrays: token_embedding (vocab, dim),
 * rms_att (layers, dim), wq (layers, H·hd, dim), wk (layers, Hkv·hd, dim), wv (layers, Hkv·hd, dim),
 * wo (layers, dim, H·hd), rms_ffn (layers, dim), w1 (layers, hidden, dim), w2 (layers, dim, hidden),
 * w3 (layers, hidden, dim), rms_final (dim,), freq_cis_real (seq_len, hd/2), freq_cis_imag (seq_len, hd/2),
 * [wcls (vocab, dim)]. Matrices are [out, in] row-major. freq_cis is skipped: run.c recomputes RoPE
 * (theta 10000, interleaved pairs), so the config says ropeStyle 'interleaved'.
 * @internal
 */
import { ValueError } from '../../core/errors.ts';
import { Tensor } from '../../tensor/tensor.ts';
import type { ModelConfig } from '../config.ts';
import { buildModel } from '../build.ts';
import type { Model } from '../model.ts';

const HEADER_BYTES = 28;
const NAMES = ['dim', 'hidden_dim', 'n_layers', 'n_heads', 'n_kv_heads', 'vocab_size', 'seq_len'] as const;

export function parseLlama2c(buf: Uint8Array, file: string): Model {
  if (buf.byteLength < HEADER_BYTES) {
    throw new ValueError(
      `${file}: truncated llama2.c checkpoint: the header needs ${HEADER_BYTES} bytes, file has ${buf.byteLength} bytes`,
    );
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const h = NAMES.map((_, i) => dv.getInt32(i * 4, true));
  const [dim, hidden, layers, heads, kvHeads, rawVocab, seqLen] = h;
  const said = NAMES.map((n, i) => `${n}=${h[i]}`).join(', ');
  const shared = rawVocab > 0;
  const vocab = Math.abs(rawVocab);
  const bad = (why: string, sep = ': '): never => {
    throw new ValueError(`${file}: header says ${said}${sep}${why}`);
  };
  if ([dim, hidden, layers, heads, kvHeads, vocab, seqLen].some((v) => !(v > 0))) bad('every field must be positive');
  if (dim % heads !== 0) bad(`dim is not a multiple of n_heads`);
  if (heads % kvHeads !== 0) bad(`n_heads is not a multiple of n_kv_heads`);
  const hd = dim / heads;
  if (hd % 2 !== 0) bad(`head size ${hd} is odd, RoPE needs pairs`);
  const kvDim = kvHeads * hd;

  // (name, per-layer shape or null for a single tensor, element count)
  const sections: Array<[string, number[], boolean]> = [
    ['token_embedding', [vocab, dim], false],
    ['rms_att', [dim], true],
    ['wq', [dim, dim], true],
    ['wk', [kvDim, dim], true],
    ['wv', [kvDim, dim], true],
    ['wo', [dim, dim], true],
    ['rms_ffn', [dim], true],
    ['w1', [hidden, dim], true],
    ['w2', [dim, hidden], true],
    ['w3', [hidden, dim], true],
    ['rms_final', [dim], false],
    ['freq_cis_real', [seqLen, hd / 2], false],
    ['freq_cis_imag', [seqLen, hd / 2], false],
  ];
  if (!shared) sections.push(['wcls', [vocab, dim], false]);
  const count = (s: [string, number[], boolean]): number => s[1].reduce((a, b) => a * b, 1) * (s[2] ? layers : 1);
  const needed = HEADER_BYTES + 4 * sections.reduce((a, s) => a + count(s), 0);
  if (buf.byteLength !== needed) {
    bad(`which needs ${needed} bytes, file has ${buf.byteLength} bytes` +
      (buf.byteLength < needed ? ' (truncated?)' : ' (trailing bytes: wrong format?)'), ', ');
  }

  // One aligned copy of all floats (the Buffer from readFile need not be 4-byte aligned).
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + HEADER_BYTES, buf.byteOffset + needed));
  const raw = new Map<string, { off: number; shape: number[]; perLayer: boolean }>();
  let off = 0;
  for (const s of sections) {
    raw.set(s[0], { off, shape: s[1], perLayer: s[2] });
    off += count(s);
  }
  const take = (name: string, layer = 0): Tensor => {
    const r = raw.get(name)!;
    const n = r.shape.reduce((a, b) => a * b, 1);
    const start = r.off + layer * n;
    return new Tensor(floats.slice(start, start + n), r.shape);
  };

  const t = new Map<string, Tensor>();
  t.set('model.embed_tokens.weight', take('token_embedding'));
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    t.set(`${p}.input_layernorm.weight`, take('rms_att', l));
    t.set(`${p}.self_attn.q_proj.weight`, take('wq', l));
    t.set(`${p}.self_attn.k_proj.weight`, take('wk', l));
    t.set(`${p}.self_attn.v_proj.weight`, take('wv', l));
    t.set(`${p}.self_attn.o_proj.weight`, take('wo', l));
    t.set(`${p}.post_attention_layernorm.weight`, take('rms_ffn', l));
    t.set(`${p}.mlp.gate_proj.weight`, take('w1', l));
    t.set(`${p}.mlp.down_proj.weight`, take('w2', l));
    t.set(`${p}.mlp.up_proj.weight`, take('w3', l));
  }
  t.set('model.norm.weight', take('rms_final'));
  if (!shared) t.set('lm_head.weight', take('wcls'));

  const config: ModelConfig = {
    hiddenSize: dim,
    intermediateSize: hidden,
    numHiddenLayers: layers,
    numAttentionHeads: heads,
    numKeyValueHeads: kvHeads,
    vocabSize: vocab,
    rmsNormEps: 1e-5,
    tieWordEmbeddings: shared,
    maxPositionEmbeddings: seqLen,
    ropeTheta: 10000,
    ropeStyle: 'interleaved',
  };
  return buildModel(config, t, file);
}
