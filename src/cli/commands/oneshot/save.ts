/**
 * Saving what `oneshot` produced, like upstream's `oneshot(output_dir=…)`: the model as safetensors +
 * `config.json` (Hugging Face names) and the recipe it ran as `recipe.yaml`. One function, so the file
 * writing can be routed through src/io in one place.
 */
import path from 'node:path';
import { writeFileAtomic } from '../../../io/atomicWrite.ts';
import { saveSafetensors } from '../../../model/load/index.ts';
import type { Model } from '../../../model/model.ts';

export interface SavedFiles {
  model: string;
  config: string;
  recipe: string;
}

/** Writes `dir/model.safetensors`, `dir/config.json` and `dir/recipe.yaml`, each atomically. */
export async function saveCompressed(model: Model, recipeYaml: string, dir: string): Promise<SavedFiles> {
  await saveSafetensors(model, dir);
  const files = { model: path.join(dir, 'model.safetensors'), config: path.join(dir, 'config.json'), recipe: path.join(dir, 'recipe.yaml') };
  await writeFileAtomic(files.recipe, recipeYaml);
  return files;
}
