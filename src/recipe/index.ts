/** Recipes (lifecycle.md §8). */
export { Recipe } from './recipe.ts';
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
} from './errors.ts';
export { appendRecipeDict } from './appendRecipeDict.ts';
export { dumpYaml } from './dumpYaml.ts';
export { PYYAML_OPTIONS } from './pyyamlSchema.ts';
