// Target regexes run on RE2 (linear time): the catastrophic pattern matches at once instead of
// backtracking for ever; patterns only a backtracking engine can run are refused by name.
import { describe, expect, it } from 'vitest';
import { match, matchesTarget } from '../../src/compressed-tensors/match.ts';
import { ValueError } from '../../src/core/errors.ts';
import { createSyntheticModel } from '../../src/model/index.ts';

describe('re: targets in bounded time', () => {
  const model = createSyntheticModel();

  it('re:([a-z_.0-9]+)*! on long module names completes (a backtracking engine needs ~2^n steps here)', () => {
    const [name, module] = [...model.namedModules()].find(([n]) => n.endsWith('q_proj'))!;
    expect(matchesTarget(name + '_'.repeat(60), module, 're:([a-z_.0-9]+)*!')).toBe(false);
    expect(match(model, ['re:([a-z_.0-9]+)*!'])).toEqual([]);
  });

  it('keeps Python re.match semantics: anchored at the start only, (?P<name>) groups work', () => {
    const [name, module] = [...model.namedModules()].find(([n]) => n.endsWith('q_proj'))!;
    expect(matchesTarget(name, module, 're:model\\.layers\\.(?P<i>\\d+)\\.self_attn')).toBe(true);
    expect(matchesTarget(name, module, 're:layers')).toBe(false);
  });

  it.each(['(a)\\1', '(?=model)', '(?<!x)model', '(unclosed'])('re:%s is a ValueError naming the pattern', (pattern) => {
    const [name, module] = [...model.namedModules()][1];
    expect(() => matchesTarget(name, module, `re:${pattern}`)).toThrow(ValueError);
    expect(() => matchesTarget(name, module, `re:${pattern}`)).toThrow(`Invalid target regex 're:${pattern}'`);
  });
});
