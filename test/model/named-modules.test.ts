import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/index.ts';
import { STORIES } from './helpers.ts';

describe('namedModules (stories260K)', () => {
  it('lists Hugging Face Llama names and classes in named_modules() order', async () => {
    const model = await loadModel(STORIES);
    const expected: Array<[string, string]> = [
      ['', 'LlamaForCausalLM'],
      ['model', 'LlamaModel'],
      ['model.embed_tokens', 'Embedding'],
      ['model.layers', 'ModuleList'],
    ];
    for (let n = 0; n < 5; n++) {
      const p = `model.layers.${n}`;
      expected.push(
        [p, 'LlamaDecoderLayer'],
        [`${p}.self_attn`, 'LlamaAttention'],
        [`${p}.self_attn.q_proj`, 'Linear'],
        [`${p}.self_attn.k_proj`, 'Linear'],
        [`${p}.self_attn.v_proj`, 'Linear'],
        [`${p}.self_attn.o_proj`, 'Linear'],
        [`${p}.mlp`, 'LlamaMLP'],
        [`${p}.mlp.gate_proj`, 'Linear'],
        [`${p}.mlp.up_proj`, 'Linear'],
        [`${p}.mlp.down_proj`, 'Linear'],
        [`${p}.mlp.act_fn`, 'SiLU'],
        [`${p}.input_layernorm`, 'LlamaRMSNorm'],
        [`${p}.post_attention_layernorm`, 'LlamaRMSNorm'],
      );
    }
    expected.push(['model.norm', 'LlamaRMSNorm'], ['model.rotary_emb', 'LlamaRotaryEmbedding'], ['lm_head', 'Linear']);
    expect(model.namedModules().map(([name, m]) => [name, m.className])).toEqual(expected);
    for (const [name, m] of model.namedModules()) {
      expect(m.name).toBe(name);
      expect(m.classChain[0]).toBe(m.className);
      expect(m.classChain.at(-1)).toBe('Module');
    }
  });

  it('gives modules their kinds, shapes and class chains', async () => {
    const model = await loadModel(STORIES);
    const q = model.getModule('model.layers.0.self_attn.q_proj')!;
    expect(q.kind).toBe('linear');
    if (q.kind !== 'linear') return;
    expect([q.outFeatures, q.inFeatures, q.bias]).toEqual([64, 64, null]);
    expect(q.classChain).toEqual(['Linear', 'Module']);
    const down = model.getModule('model.layers.4.mlp.down_proj')!;
    expect(down.kind === 'linear' && down.weight.shape).toEqual([64, 172]);
    const k = model.getModule('model.layers.0.self_attn.k_proj')!;
    expect(k.kind === 'linear' && k.weight.shape).toEqual([32, 64]);
    const attn = model.getModule('model.layers.2.self_attn')!;
    expect(attn.kind === 'attention' && [attn.numHeads, attn.numKvHeads, attn.headDim]).toEqual([8, 4, 8]);
    const norm = model.getModule('model.norm')!;
    expect(norm.kind === 'rmsnorm' && [norm.weight.shape, norm.eps]).toEqual([[64], 1e-5]);
    expect(model.getModule('model.norm')!.classChain).toEqual(['LlamaRMSNorm', 'Module']);
    expect(model.getModule('model.embed_tokens')!.kind).toBe('embedding');
    expect(model.getModule('model.layers')!.kind).toBe('container');
    expect(model.getModule('nope')).toBeUndefined();
    expect(model.config).toMatchObject({
      hiddenSize: 64, intermediateSize: 172, numHiddenLayers: 5, numAttentionHeads: 8, numKeyValueHeads: 4,
      vocabSize: 512, rmsNormEps: 1e-5, tieWordEmbeddings: true, maxPositionEmbeddings: 512, ropeStyle: 'interleaved',
    });
  });

  it('places registered submodules after their parent and drops them on removal', async () => {
    const model = await loadModel(STORIES);
    const t = model.registerModule('model.layers.0.mlp.down_proj', 'R4_input', 'HadamardTransform');
    expect(t.name).toBe('model.layers.0.mlp.down_proj.R4_input');
    const names = model.namedModules().map(([n]) => n);
    expect(names[names.indexOf('model.layers.0.mlp.down_proj') + 1]).toBe('model.layers.0.mlp.down_proj.R4_input');
    expect(model.getModule('model.layers.0.mlp.down_proj.R4_input')).toBe(t);
    model.removeModule('model.layers.0.mlp.down_proj.R4_input');
    expect(model.namedModules().map(([n]) => n)).not.toContain('model.layers.0.mlp.down_proj.R4_input');
  });
});
