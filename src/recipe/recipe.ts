/**
 * Recipe (LLM Compressor `recipe/recipe.py`, lifecycle.md §8): the modifiers to run, from a file,
 * YAML/JSON text, Modifier instances or another Recipe, and back to PyYAML-shaped YAML.
 */
import { readFileSync } from 'node:fs';
import { writeOutput } from '../io/index.ts';
import '../modifiers/builtins.ts';
import { Modifier } from '../modifiers/modifier.ts';
import { isTruthy } from '../core/python.ts';
import { optionsObject } from '../core/options.ts';
import { appendRecipeDict } from './appendRecipeDict.ts';
import { buildFromMapping } from './build.ts';
import type { Fidelity } from '../core/fidelity.ts';
import { dumpYaml } from './dumpYaml.ts';
import { RecipeInputTypeError, RecipeModifiersTypeError, kindOf } from './errors.ts';
import { filterStages } from './filterStages.ts';
import { loadJsonOrYamlString } from './parseYaml.ts';
import { serializeRecipe } from './serialize.ts';
import { readRecipeSource } from './source.ts';

/** A nested array of modifiers is flattened (upstream `tree_leaves`). */
export type ModifierList = ReadonlyArray<Modifier | ModifierList>;
export type RecipeInput = string | Modifier | ModifierList | Recipe;

export interface CreateRecipeOptions {
  /** Keep only top-level keys starting with this (a prefix match that also drops `args`, Q14). */
  targetStage?: string | null;
  /** The stage name of a recipe built from modifiers (default `'default'`). */
  modifierGroupName?: string | null;
  /** `'reference'` reproduces upstream's Q15, Q17, Q18 (and Q20 in `toYaml`); default `'default'`. */
  fidelity?: Fidelity;
}

export interface RecipeYamlOptions {
  /** Upstream `file_path`: also write the YAML there. */
  filePath?: string;
  /** Upstream `existing_recipe_path`: append this recipe to the one saved there (Q20). */
  existingRecipePath?: string;
  /** For the append; defaults to the fidelity the recipe was created with. */
  fidelity?: Fidelity;
}

function flatten(input: ModifierList, out: Modifier[]): Modifier[] {
  for (const item of input) {
    if (Array.isArray(item)) flatten(item, out);
    else if (item instanceof Modifier) out.push(item);
    else throw new RecipeModifiersTypeError();
  }
  return out;
}

export class Recipe {
  args: Record<string, unknown> = {};
  stage = 'default';
  modifiers: Modifier[] = [];
  #fidelity: Fidelity = 'default';

  constructor(init: { args?: Record<string, unknown>; stage?: string; modifiers?: Modifier[]; fidelity?: Fidelity } = {}) {
    if (init.args) this.args = init.args;
    if (init.stage !== undefined) this.stage = init.stage;
    if (init.modifiers) this.modifiers = init.modifiers;
    if (init.fidelity) this.#fidelity = init.fidelity;
  }

  /** The fidelity this recipe was parsed with. */
  get fidelity(): Fidelity {
    return this.#fidelity;
  }

  /**
   * Upstream `create_instance` (§8.3): a Recipe is returned as is; a Modifier or a (nested) list
   * becomes one stage named `modifierGroupName || 'default'` (E54 for a non-Modifier leaf); a path
   * to an existing file is read by extension (E50, E51); other text is JSON, else YAML (E52, E53).
   * @throws {RecipeError} for a bad modifier entry, naming the file, line and key path.
   */
  static createInstance(input: RecipeInput, options: CreateRecipeOptions = {}): Recipe {
    options = optionsObject('Recipe.createInstance', options, ['targetStage', 'modifierGroupName', 'fidelity']);
    const fidelity = options.fidelity ?? 'default';
    if (input instanceof Recipe) return input;
    if (input instanceof Modifier || Array.isArray(input)) {
      const modifiers = flatten(input instanceof Modifier ? [input] : (input as ModifierList), []);
      const stage = isTruthy(options.modifierGroupName) ? (options.modifierGroupName as string) : 'default';
      return new Recipe({ stage, modifiers, fidelity });
    }
    if (typeof input !== 'string') throw new RecipeInputTypeError(kindOf(input));
    const source = readRecipeSource(input);
    const mapping = filterStages(source.mapping, options.targetStage);
    return new Recipe({ ...buildFromMapping(mapping, { fidelity, file: source.file, locate: source.locate }), fidelity });
  }

  /** Upstream `Recipe.dict()` (§8.4). */
  toDict(): Record<string, unknown> {
    return serializeRecipe(this.modifiers, this.stage);
  }

  /** Upstream `Recipe.yaml()` (§8.4): PyYAML's shape; `createInstance(r.toYaml()).toDict()` equals `r.toDict()`. */
  toYaml(options: RecipeYamlOptions = {}): string {
    options = optionsObject('Recipe.toYaml', options, ['filePath', 'existingRecipePath', 'fidelity']);
    let dict = this.toDict();
    if (options.existingRecipePath) {
      const existing = loadJsonOrYamlString(readFileSync(options.existingRecipePath, 'utf8')).mapping;
      dict = appendRecipeDict(existing, dict, { fidelity: options.fidelity ?? this.#fidelity });
    }
    const text = dumpYaml(dict);
    if (options.filePath) writeOutput(options.filePath, text);
    return text;
  }
}
