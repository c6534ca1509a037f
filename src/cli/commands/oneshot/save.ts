/**
 * Saving what `oneshot` produced, like upstream's `oneshot(output_dir=…)`: the model as safetensors +
 * `config.json` (Hugging Face names, one file set) and the recipe it ran as `recipe.yaml`, all through
 * src/io. One function, so what a saved one-shot directory holds is decided in one place.
 */
import path from 'node:path';
import { writeOutput } from '../../../io/index.ts';
import { saveSafetensors } from '../../../model/load/index.ts';
import type { Model } from '../../../model/model.ts';

export interface SavedFiles {
  model: string;
  config: string;
  recipe: string;
}

/**
 * Writes `dir/model.safetensors` + `dir/config.json` (as one set) and then `dir/recipe.yaml`, each
 * atomically; `inputs` (the recipe and model files this run read) are never replaced.
 */
export async function saveCompressed(model: Model, recipeYaml: string, dir: string, inputs: readonly string[] = []): Promise<SavedFiles> {
  await saveSafetensors(model, dir, { inputs });
  const files = { model: path.join(dir, 'model.safetensors'), config: path.join(dir, 'config.json'), recipe: path.join(dir, 'recipe.yaml') };
  writeOutput(files.recipe, recipeYaml, { inputs });
  return files;
}
