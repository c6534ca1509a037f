/** Recipes (lifecycle.md §8). */
export { Recipe, type RecipeInput, type ModifierList, type CreateRecipeOptions, type RecipeYamlOptions } from './recipe.ts';
export {
  RecipeError,
  RecipeFrontMatterError,
  RecipePathParseError,
  RecipeStringParseError,
  RecipeNotMappingError,
  RecipeModifiersTypeError,
  ModifierGroupArgumentError,
  ModifierEmptyBodyError,
  ModifierArgumentsTypeError,
  RecipeInputTypeError,
  type RecipeLocation,
} from './errors.ts';
export { appendRecipeDict } from './appendRecipeDict.ts';
export { serializeRecipe } from './serialize.ts';
export { dumpYaml } from './dumpYaml.ts';
export { parseYaml, parseJson, loadJsonOrYamlString, type Locator } from './parseYaml.ts';
export { PYYAML_OPTIONS, pyYamlTags } from './pyyamlSchema.ts';
export type { Fidelity } from '../core/fidelity.ts';
