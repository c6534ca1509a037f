// §8.4: createInstance(r.toYaml()).toDict() deep-equals r.toDict().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Recipe } from '../../src/recipe/index.ts';
import { OtherModifier, TestModifier, captureWarnings } from './helpers.ts';

captureWarnings(); // same-class modifiers in one group collapse (Q19) and warn

const roundTrip = (r: Recipe) => expect(Recipe.createInstance(r.toYaml()).toDict()).toEqual(r.toDict());

describe('round trip', () => {
  it('for a parsed multi-group recipe', () => {
    roundTrip(
      Recipe.createInstance(`
train_stage:
  pruning_modifiers:
    TestModifier: {start: 0, end: 10, update: 0.5}
  quant_modifiers:
    OtherModifier: {targets: [Linear, 're:.*proj'], scheme: W4A16, enabled: false}
`),
    );
  });

  it('for modifiers with awkward strings and numbers', () => {
    roundTrip(
      Recipe.createInstance([
        new OtherModifier({ scheme: 'yes', transformType: '1e-3', targets: ['#x', 'a: b', '- c', "it's", 'ü'], start: 1e-7, end: 1e21 }),
        new TestModifier({ group: 'on', start: -0.5, update: 0.1 }),
      ]),
    );
  });

  it('property: any modifiers with string/number fields', () => {
    const str = fc.string({ maxLength: 12 });
    const num = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)));
    const mod = fc.record({
      kind: fc.boolean(),
      group: fc.option(fc.stringMatching(/^[a-z]{1,6}$/)),
      start: fc.option(num),
      scheme: fc.option(str),
      targets: fc.array(str, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(mod, { maxLength: 5 }), fc.stringMatching(/^[a-z]{1,6}$/), (specs, stage) => {
        const ms = specs.map((s) =>
          s.kind ? new TestModifier({ group: s.group, start: s.start }) : new OtherModifier({ group: s.group, start: s.start, scheme: s.scheme, targets: s.targets }),
        );
        roundTrip(Recipe.createInstance(ms, { modifierGroupName: stage }));
      }),
      { numRuns: 200 },
    );
  });
});
