/** Target matching (spinquant.md §1) and match_modules_set (§5, T9, T10). */
import { describe, expect, it } from 'vitest';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { isMatch, match, matchModulesSet, matchesTarget } from '../../src/compressed-tensors/match.ts';

const model = createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 2, heads: 4, kvHeads: 2, vocab: 64 });
const names = (pairs: Array<[string, unknown]>) => pairs.map(([n]) => n);

describe('match', () => {
  it('re: is a regex anchored at the start only', () => {
    const q = model.getModule('model.layers.0.self_attn.q_proj')!;
    expect(matchesTarget(q.name, q, 're:.*q_proj$')).toBe(true);
    expect(matchesTarget(q.name, q, 're:model.layers.0')).toBe(true); // no end anchor
    expect(matchesTarget(q.name, q, 're:layers')).toBe(false); // anchored at the start
    expect(matchesTarget(q.name, q, 're:.*q_pro$')).toBe(false);
  });

  it('matches an exact name or any class in the chain, not a substring', () => {
    const lm = model.getModule('lm_head')!;
    expect(matchesTarget('lm_head', lm, 'lm_head')).toBe(true);
    expect(matchesTarget('lm_head', lm, 'Linear')).toBe(true);
    expect(matchesTarget('lm_head', lm, 'Module')).toBe(true);
    expect(matchesTarget('lm_head', lm, 'lm')).toBe(false);
    const root = model.getModule('')!;
    expect(matchesTarget('', root, 'PreTrainedModel')).toBe(true);
  });

  it('yields matches in namedModules order, once each, minus ignored', () => {
    const got = names(match(model, ['Linear', 're:.*proj$'], ['lm_head', 're:.*down_proj$']));
    expect(got).toEqual([
      'model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.k_proj', 'model.layers.0.self_attn.v_proj',
      'model.layers.0.self_attn.o_proj', 'model.layers.0.mlp.gate_proj', 'model.layers.0.mlp.up_proj',
      'model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.k_proj', 'model.layers.1.self_attn.v_proj',
      'model.layers.1.self_attn.o_proj', 'model.layers.1.mlp.gate_proj', 'model.layers.1.mlp.up_proj',
    ]);
    expect(isMatch('lm_head', model.getModule('lm_head')!, ['Linear'], ['lm_head'])).toBe(false);
  });

  it('warns about targets that match nothing', () => {
    const warnings: string[] = [];
    match(model, ['Linear', 'Conv2d'], [], { warnOnFail: true, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(['Could not match `Conv2d` in instance of LlamaForCausalLM']);
  });

  it('never matches online transform modules', () => {
    const m = model.clone();
    m.registerModule('model.layers.0.mlp.down_proj', 'R4_input', 'HadamardTransform', { classChain: ['HadamardTransform', 'TransformBase', 'Module'] });
    expect(names(match(m, ['re:.*down_proj.*', 'Module'])).some((n) => n.endsWith('R4_input'))).toBe(false);
  });
});

describe('matchModulesSet', () => {
  it('splits per-layer sets by their common context', () => {
    const sets = matchModulesSet(model, ['re:.*input_layernorm$', 're:.*q_proj$', 're:.*k_proj$', 're:.*v_proj$']);
    expect(sets.map((s) => s.map((l) => names(l)))).toEqual([
      [['model.layers.0.input_layernorm'], ['model.layers.0.self_attn.q_proj'], ['model.layers.0.self_attn.k_proj'], ['model.layers.0.self_attn.v_proj']],
      [['model.layers.1.input_layernorm'], ['model.layers.1.self_attn.q_proj'], ['model.layers.1.self_attn.k_proj'], ['model.layers.1.self_attn.v_proj']],
    ]);
    expect(matchModulesSet(model, ['model.norm', 'lm_head']).length).toBe(1);
    expect(matchModulesSet(model, ['re:nothing', 're:nada'])).toEqual([]);
  });

  it('T9: a module matched by two targets', () => {
    expect(() => matchModulesSet(model, ['re:.*q_proj$', 'Linear'])).toThrow(
      "module: model.layers.0.self_attn.q_proj was matched with multiple targets: {'re:.*q_proj$', 'Linear'} which is unexpected disable this check by setting `error_on_module_rematch = False`",
    );
  });

  it('T10: a final incomplete set', () => {
    expect(() => matchModulesSet(model, ['model.norm', 're:nothing$'])).toThrow(
      "Found a final incomplete set with matches found for keys: {'model.norm'} but no matches found for keys: {'re:nothing$'}",
    );
  });
});
