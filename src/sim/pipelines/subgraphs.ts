/**
 * The sequential pipeline's subgraphs (lifecycle.md §9.2): upstream traces the model; here they are one per
 * decoder layer `model.layers.N` (the first also holds `model.embed_tokens`), then one holding `model.norm`
 * and `lm_head`. A subgraph's modules include all their descendants, in `namedModules()` order.
 */
import type { Model } from '../../model/model.ts';
import type { Module } from '../../model/modules.ts';

export interface Subgraph {
  /** The top modules' names. */
  roots: string[];
  /** Every module of the subgraph (roots and descendants), in namedModules() order. */
  modules: Module[];
}

export function sequentialSubgraphs(model: Model): Subgraph[] {
  const all = model.namedModules();
  const under = (roots: string[]): Module[] =>
    all.filter(([name]) => roots.some((r) => name === r || name.startsWith(`${r}.`))).map(([, m]) => m);
  const out: Subgraph[] = [];
  for (let i = 0; i < model.config.numHiddenLayers; i++) {
    const roots = i === 0 ? ['model.embed_tokens', `model.layers.${i}`] : [`model.layers.${i}`];
    out.push({ roots, modules: under(roots) });
  }
  const tail = ['model.norm', 'lm_head'];
  out.push({ roots: tail, modules: under(tail) });
  return out;
}

/** Every module of the model, root included, in namedModules() order. */
export function allModules(model: Model): Module[] {
  return model.namedModules().map(([, m]) => m);
}
