/**
 * Recipe text, valid, mutated and hostile, through Recipe.createInstance: a Recipe or a named error.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Recipe } from '../../src/recipe/index.ts';
import { checkOutcome, fuzz, hostileString, outcomeOf } from './harness.ts';

const scalar = fc.oneof(
  fc.integer({ min: -5, max: 20 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('null', '~', 'yes', 'no', 'y', '.inf', '-.inf', '.nan', '1e999', '1.0e+999', '1e-3', '0o17', '09', '1:30', '"2"', "'x'", '[]', '{}'),
  hostileString.map((s) => JSON.stringify(s)),
);
const field = fc.constantFrom('start', 'end', 'update', 'index', 'group', 'targets', 'ignore', 'sparsity', 'init_sparsity', 'final_sparsity', 'scheme', 'rotations', '__proto__', 'constructor', 'args');
const modifierType = fc.constantFrom('ConstantPruningModifier', 'MagnitudePruningModifier', 'QuantizationModifier', 'SpinQuantModifier', '__proto__', 'constructor', 'toString', 'Nope');

/** A recipe in the stage/group/modifier layout, with random fields and values. */
const recipeText = fc
  .record({
    stage: fc.constantFrom('a_stage', 'train_stage', 'x_stage_1', '__proto___stage', 'stage'),
    group: fc.constantFrom('pruning_modifiers', 'q_modifiers', '__proto___modifiers', 'mods'),
    modifiers: fc.array(fc.record({ type: modifierType, fields: fc.array(fc.tuple(field, scalar), { maxLength: 5 }) }), { maxLength: 3 }),
  })
  .map(({ stage, group, modifiers }) =>
    [`${stage}:`, `  ${group}:`, ...modifiers.flatMap((m) => [`    ${m.type}:`, ...m.fields.map(([k, v]) => `      ${k}: ${v}`), ...(m.fields.length ? [] : ['      targets: ["re:.*"]'])])].join('\n'),
  );

/** Random edits of a text: insert, delete or replace characters (YAML punctuation favoured). */
const mutated = fc.tuple(recipeText, fc.array(fc.tuple(fc.nat(), fc.constantFrom('', ':', '-', '[', ']', '{', '}', '&a', '*a', '!!', '!', '\n', ' ', '"', "'", '#', '|', '>', '\t', '%'), fc.nat({ max: 3 })), { maxLength: 6 }))
  .map(([text, edits]) => edits.reduce((t, [at, ins, del]) => { const i = at % (t.length + 1); return t.slice(0, i) + ins + t.slice(i + del); }, text));

const hostile = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((levels) => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    return lines.join('\n');
  }),
  fc.integer({ min: 1, max: 3000 }).map((d) => `x: ${'['.repeat(d)}${']'.repeat(d)}`),
  fc.integer({ min: 1, max: 300 }).map((d) => `${Array.from({ length: d }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1`),
  fc.constantFrom(
    '!!python/object/apply:os.system ["echo pwned"]', 'x: !!python/object/new:dict {}', 'x: !foo 3', 'x: !!binary aGk=', 'x: !!set {a, b}',
    'x: !!omap [{a: 1}]', '__proto__: {polluted: 1}', 'constructor: {prototype: {polluted: 1}}', '<<: {polluted: 1}', 'x: &x\n  <<: *x',
    `x: ${'9'.repeat(400)}`, `x: 1${'0'.repeat(400)}.0`, '%YAML 1.1\n---\nx: 1', '--- !!map\nx: 1', 'x: 2001-12-14', '? [a]\n: 1',
  ),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('fuzz: recipe text', () => {
  it('valid, mutated and hostile recipes give a Recipe or a named error', () => {
    fuzz('recipe text', fc.oneof(recipeText, mutated, hostile), 100, (text) => {
      checkOutcome(outcomeOf(() => Recipe.createInstance(text)));
    });
  });
});
