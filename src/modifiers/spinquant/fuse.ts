/**
 * Untie, centre, fuse (LLM Compressor `modeling/fuse.py`, `utils/transformers.py`, spinquant.md §5). All
 * arithmetic in float64, results stored in the weight's dtype.
 */
import type { Model } from '../../model/model.ts';
import type { Module } from '../../model/modules.ts';
import { Tensor } from '../../tensor/tensor.ts';
import { centerRowsOp, fuseNormOp } from '../../tensor/ops.ts';
import { match, matchModulesSet } from '../../compressed-tensors/match.ts';
import { CannotFuseNormError, NormCountError } from './errors.ts';
import type { NormMapping } from './mappings.ts';

export const CANNOT_UNTIE =
  'Cannot untie embeddings. If this model has word embeddings, please implement `get_input_embeddings` and `get_output_embeddings` ';

type Weighted = Extract<Module, { weight: Tensor }>;
const weightOf = (m: Module): Weighted | null => ('weight' in m && m.weight instanceof Tensor ? (m as Weighted) : null);

/** Gives embed_tokens and lm_head their own weights (always, S15); warns when the model has none. */
export function untieWordEmbeddings(model: Model, warn: (m: string) => void): void {
  const input = model.getModule('model.embed_tokens');
  const output = model.getModule('lm_head');
  if (!input || !output) {
    warn(CANNOT_UNTIE);
    return;
  }
  model.untieWordEmbeddings();
}

/** Each matching module's rows become `e − mean(e)` (T8 without a weight); warns when nothing matches. */
export function centerEmbeddings(model: Model, target: string, warn: (m: string) => void): string[] {
  const done: string[] = [];
  for (const [name, module] of match(model, [target], [], { warnOnFail: true, warn })) {
    const m = weightOf(module);
    if (!m) throw new CannotFuseNormError(module);
    m.weight = centerRowsOp(m.weight);
    done.push(name);
  }
  return done;
}

/** Per norm mapping and per matched set: `W'[i][j] = W[i][j]·g[j]` for every linear, then `g := 1` (T8–T11). */
export function fuseNorms(model: Model, normMappings: readonly NormMapping[]): Array<{ norm: string; linears: string[] }> {
  const fused: Array<{ norm: string; linears: string[] }> = [];
  for (const mapping of normMappings) {
    const targets = [mapping.norm, ...mapping.linears];
    for (const set of matchModulesSet(model, targets)) {
      const norms = set[0];
      if (norms.length !== 1) throw new NormCountError(norms.length, mapping.norm);
      const [normName, normModule] = norms[0];
      const norm = weightOf(normModule);
      if (!norm) throw new CannotFuseNormError(normModule);
      const names: string[] = [];
      for (const list of set.slice(1)) {
        for (const [name, module] of list) {
          const lin = weightOf(module);
          if (!lin) throw new CannotFuseNormError(module);
          lin.weight = fuseNormOp(lin.weight, norm.weight);
          names.push(name);
        }
      }
      const ones = Tensor.zeros(norm.weight.shape, norm.weight.dtype);
      ones.data.fill(1);
      norm.weight = ones;
      fused.push({ norm: normName, linears: names });
    }
  }
  return fused;
}
