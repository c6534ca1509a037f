// §8.3 files: detection, trimming, extensions (case-insensitive), .md front matter (E50), E51.
import { describe, expect, it } from 'vitest';
import { Recipe, RecipeFrontMatterError, RecipePathParseError, RecipeError } from '../../src/recipe/index.ts';
import { RuntimeError, ValueError } from '../../src/core/errors.ts';
import { OtherModifier, TestModifier, tempFile, thrown } from './helpers.ts';

const YAML = 'a_stage:\n  g_modifiers:\n    TestModifier: {start: 2}\n';

describe('recipe files', () => {
  it('reads .yaml, .yml and .YML files', () => {
    for (const name of ['r.yaml', 'r.yml', 'R.YML']) {
      const r = Recipe.createInstance(tempFile(name, `\n\n${YAML}\n\n`));
      expect(r.stage).toBe('a');
      expect(r.modifiers[0].start).toBe(2);
    }
  });

  it('reads .json files', () => {
    const r = Recipe.createInstance(tempFile('r.JSON', '  {"b_stage": {"g_modifiers": {"TestModifier": {"end": 3}}}}  '));
    expect(r.stage).toBe('b');
    expect(r.modifiers[0].end).toBe(3);
  });

  it('reads other extensions as JSON-or-YAML text', () => {
    expect(Recipe.createInstance(tempFile('recipe.txt', YAML)).modifiers).toHaveLength(1);
    expect(Recipe.createInstance(tempFile('recipe', '{"c_stage": {}}')).stage).toBe('c');
  });

  it('E51 when another extension does not parse or is not a mapping', () => {
    const bad = tempFile('bad.txt', 'a: [1,\n');
    const e = thrown(() => Recipe.createInstance(bad));
    expect(e).toBeInstanceOf(RecipePathParseError);
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message.split('\n')[0]).toBe(`Could not parse recipe from path ${bad}`);
    expect(e.message).toMatch(/\n {2}YAML syntax error at line \d+, column \d+/);
    const list = tempFile('list.cfg', '- a\n- b\n');
    expect(thrown(() => Recipe.createInstance(list)).message.split('\n')[0]).toBe(`Could not parse recipe from path ${list}`);
  });

  it('E51 for a .yaml or .json file that does not parse or is not a mapping', () => {
    for (const [name, text] of [['bad.yaml', 'a: {b: 1\n'], ['bad.json', '{"a": '], ['list.yml', '- 1\n'], ['empty.yaml', '']]) {
      const path = tempFile(name, text);
      const e = thrown(() => Recipe.createInstance(path));
      expect(e).toBeInstanceOf(RecipePathParseError);
      expect(e.message.split('\n')[0]).toBe(`Could not parse recipe from path ${path}`);
    }
  });

  it('.md: takes the first ---/+++ front matter block', () => {
    const md = `# Model card\n\n---\n${YAML}---\n\nmore text\n---\nnot: this\n---\n`;
    const r = Recipe.createInstance(tempFile('card.md', md));
    expect(r.modifiers).toHaveLength(1);
    const plus = Recipe.createInstance(tempFile('plus.MD', `+++\nz_stage:\n  g_modifiers:\n    OtherModifier: {}\n+++\n`));
    expect(plus.stage).toBe('z');
    expect(plus.modifiers[0]).toBeInstanceOf(OtherModifier);
  });

  it('.md: allows leading whitespace before the delimiter', () => {
    const r = Recipe.createInstance(tempFile('ws.md', `intro\n   ---\n${YAML}---\n`));
    expect(r.modifiers[0]).toBeInstanceOf(TestModifier);
  });

  it('E50 (a RuntimeError) for a .md without front matter', () => {
    const path = tempFile('nofm.md', '# just a card\n\nno recipe here\n');
    const e = thrown(() => Recipe.createInstance(path));
    expect(e).toBeInstanceOf(RecipeFrontMatterError);
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.message).toBe(`Could not extract YAML front matter from recipe card: ${path}`);
  });

  it('E51 for .md front matter that is not a mapping', () => {
    const path = tempFile('listfm.md', '---\n- a\n---\n');
    expect(thrown(() => Recipe.createInstance(path)).message.split('\n')[0]).toBe(`Could not parse recipe from path ${path}`);
  });

  it('errors in a file name the file and the line in the file (trimmed text and front matter counted)', () => {
    const yaml = tempFile('where.yaml', '\n\n# comment\na_stage:\n  g_modifiers:\n    Missing: {}\n');
    const e1 = thrown(() => Recipe.createInstance(yaml)) as RecipeError;
    expect(e1.file).toBe(yaml);
    expect(e1.line).toBe(6);
    expect(e1.message).toContain(`\n  in ${yaml} line 6, a_stage.g_modifiers.Missing`);
    const md = tempFile('where.md', '# Card\n\ntext\n---\na_stage:\n  g_modifiers:\n    TestModifier: {bogus: 1}\n---\n');
    const e2 = thrown(() => Recipe.createInstance(md)) as RecipeError;
    expect(e2.line).toBe(7);
    expect(e2.path).toEqual(['a_stage', 'g_modifiers', 'TestModifier', 'bogus']);
  });
});
