/**
 * How far each candidate model's outputs moved from a reference model's on the same sequences: the error
 * table's metrics (logit MSE, KL, perplexity) for models you already have, e.g. each stage of a multi-stage
 * recipe. The reference comes first, as a row of zeros.
 */
import type { Model } from '../model/model.ts';
import { compare, logitsOf, type ErrorTableRow } from './errorTable.ts';

export function compareModels(reference: Model, candidates: Record<string, Model>, sequences: number[][], referenceLabel = 'float'): ErrorTableRow[] {
  const vocab = reference.config.vocabSize;
  const base = sequences.map((s) => logitsOf(reference, s));
  const row = (label: string, model: Model): ErrorTableRow => ({ label, ...compare(base, sequences.map((s) => logitsOf(model, s)), sequences, vocab) });
  return [{ label: referenceLabel, ...compare(base, base, sequences, vocab) }, ...Object.entries(candidates).map(([label, m]) => row(label, m))];
}
