/**
 * `--model` for every command: `synthetic` (the built-in model), a shipped model by name (`stories260K`,
 * from the package's models/ folder, see src/model/builtinModels.ts), or a path to a llama2.c `.bin`, a
 * `.safetensors` file or a directory.
 */
import { existsSync } from 'node:fs';
import { createSyntheticModel } from '../model/synthetic.ts';
import { loadModel } from '../model/load/index.ts';
import { BUILTIN_MODELS, builtinModelPath, isBuiltinModelName } from '../model/builtinModels.ts';
import type { Model } from '../model/model.ts';
import { UsageError } from './errors.ts';

export interface CliModel {
  model: Model;
  /** How output names it. */
  label: string;
}

/** Loads the model `spec` names (see the file comment); the synthetic model takes `seed`. */
export async function loadCliModel(spec: string | undefined, seed = 0): Promise<CliModel> {
  if (spec === undefined || spec === 'synthetic') return { model: createSyntheticModel({ seed }), label: `synthetic (built-in, seed ${seed})` };
  if (isBuiltinModelName(spec)) return { model: await loadModel(builtinModelPath(spec)), label: `${spec} (llama2.c)` };
  if (!existsSync(spec)) throw new UsageError('--model', `no such file: ${spec} (or use 'synthetic' or ${BUILTIN_MODELS.map((n) => `'${n}'`).join(', ')})`);
  return { model: await loadModel(spec), label: spec };
}
