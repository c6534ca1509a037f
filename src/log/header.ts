/** Building a journal header from what a run knows: recipe text, fidelity, seed, settings, model. */
import type { Fidelity } from '../core/fidelity.ts';
import type { Model } from '../model/model.ts';
import { FORMAT_NAME, FORMAT_VERSION, LLMC_SIM_VERSION, type JournalHeader, type JournalReference, type ModelIdentity } from './format.ts';
import { modelSha256, tensorHashes } from './modelHash.ts';
import type { JsonValue } from './serialize.ts';

/**
 * The model at the start of a run and where it came from: built in (`synthetic` with its options) or a file name,
 * or the final model of another journal (`journalReference`, src/log/journalSource.ts).
 */
export type HeaderModel =
  | { source: string; options?: { [key: string]: JsonValue }; model: Model }
  | { journal: JournalReference; model: Model };

export interface HeaderInput {
  fidelity?: Fidelity;
  seed?: number;
  /** The recipe TEXT as resolved (never a path). */
  recipe?: string | null;
  settings?: { [key: string]: JsonValue };
  model?: HeaderModel | null;
}

function modelIdentity(m: HeaderModel): ModelIdentity {
  const hashes = { sha256: modelSha256(m.model), tensors: tensorHashes(m.model) };
  if ('journal' in m) return { source: 'journal', journal: { ...m.journal }, ...hashes };
  return { source: m.source, ...(m.options ? { options: m.options } : {}), ...hashes };
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
    model: m ? modelIdentity(m) : null,
  };
}
