/** Building a journal header from what a run knows: recipe text, fidelity, seed, settings, model. */
import type { Fidelity } from '../core/fidelity.ts';
import type { Model } from '../model/model.ts';
import { FORMAT_NAME, FORMAT_VERSION, LLMC_SIM_VERSION, type JournalHeader, type ModelIdentity } from './format.ts';
import { modelSha256, tensorHashes } from './modelHash.ts';
import type { JsonValue } from './serialize.ts';

export interface HeaderInput {
  fidelity?: Fidelity;
  seed?: number;
  /** The recipe TEXT as resolved (never a path). */
  recipe?: string | null;
  settings?: { [key: string]: JsonValue };
  /** The model at the start of the run and where it came from (`synthetic` with its options, or a file name). */
  model?: { source: string; options?: { [key: string]: JsonValue }; model: Model } | null;
}

export function modelIdentity(source: string, model: Model, options?: { [key: string]: JsonValue }): ModelIdentity {
  return { source, ...(options ? { options } : {}), sha256: modelSha256(model), tensors: tensorHashes(model) };
}

export function makeHeader(input: HeaderInput): JournalHeader {
  const m = input.model ?? null;
  return {
    journal: FORMAT_NAME,
    version: FORMAT_VERSION,
    llmcSim: LLMC_SIM_VERSION,
    fidelity: input.fidelity ?? 'default',
    seed: input.seed ?? 0,
    recipe: input.recipe ?? null,
    settings: input.settings ?? {},
    model: m ? modelIdentity(m.source, m.model, m.options) : null,
  };
}
