/**
 * `--model` for every command: `synthetic` (the built-in model), `stories260K` (shipped in the
 * repository at models/stories260K.bin; until then read from ../shared/models beside the checkout),
 * or a path to a llama2.c `.bin`, a `.safetensors` file or a directory.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyntheticModel } from '../model/synthetic.ts';
import { loadModel } from '../model/load/index.ts';
import type { Model } from '../model/model.ts';
import { UsageError } from './errors.ts';

const STORIES_260K_CANDIDATES = [
  fileURLToPath(new URL('../../models/stories260K.bin', import.meta.url)),
  fileURLToPath(new URL('../../../shared/models/stories260K.bin', import.meta.url)),
];

/** Where stories260K is read from: the repository's copy, else the shared one; null when neither exists. */
export function stories260KPath(): string | null {
  return STORIES_260K_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

export interface CliModel {
  model: Model;
  /** How output names it. */
  label: string;
}

/** Loads the model `spec` names (see the file comment); the synthetic model takes `seed`. */
export async function loadCliModel(spec: string | undefined, seed = 0): Promise<CliModel> {
  if (spec === undefined || spec === 'synthetic') return { model: createSyntheticModel({ seed }), label: `synthetic (built-in, seed ${seed})` };
  if (spec === 'stories260K') {
    const path = stories260KPath();
    if (!path) throw new UsageError('--model', `stories260K is read from ${STORIES_260K_CANDIDATES.join(' or ')}, and neither exists`);
    return { model: await loadModel(path), label: 'stories260K (llama2.c)' };
  }
  if (!existsSync(spec)) throw new UsageError('--model', `no such file: ${spec} (or use 'synthetic' or 'stories260K')`);
  return { model: await loadModel(spec), label: spec };
}
