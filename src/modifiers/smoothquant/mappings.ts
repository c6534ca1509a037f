/**
 * SmoothQuant mappings (LLM Compressor 0.12 `transform/smoothquant/utils.py`): `[balance targets, smooth
 * target]` pairs, the Llama default, and their resolution on a model — each module matching the smooth
 * target, with the modules matching a balance target under the same parent (the decoder layer).
 */
import { ValueError } from '../../core/errors.ts';
import { FieldTypeError } from '../../core/fields.ts';
import type { Model } from '../../model/model.ts';
import type { Linear, Module } from '../../model/modules.ts';
import { matchesTarget } from '../../compressed-tensors/match.ts';

export interface SmoothQuantMappingSpec {
  balanceLayers: string[];
  smoothLayers: string;
}

/** `DEFAULT_SMOOTHQUANT_MAPPINGS` (what LlamaForCausalLM resolves to). */
export const DEFAULT_SMOOTHQUANT_MAPPINGS: readonly SmoothQuantMappingSpec[] = [
  { balanceLayers: ['re:.*q_proj', 're:.*k_proj', 're:.*v_proj'], smoothLayers: 're:.*input_layernorm' },
  { balanceLayers: ['re:.*gate_proj', 're:.*up_proj'], smoothLayers: 're:.*post_attention_layernorm' },
];

export interface ResolvedSmoothQuantMapping {
  smoothName: string;
  smoothLayer: Module & { weight: { data: ArrayLike<number> } };
  balanceNames: string[];
  balanceLayers: Linear[];
}

/** `mappings` as recipes write them: `[[balance, …], smooth]` (a bare balance string is one target). */
export function parseMappings(v: unknown): SmoothQuantMappingSpec[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new FieldTypeError('Input should be a valid list');
  return v.map((m, i) => {
    if (!Array.isArray(m) || m.length !== 2 || typeof m[1] !== 'string') {
      throw new FieldTypeError('Input should be a [balance_layers, smooth_layer] pair', String(i));
    }
    const b = m[0];
    const balance = typeof b === 'string' ? [b] : Array.isArray(b) && b.every((x) => typeof x === 'string') ? [...b] : null;
    if (!balance) throw new FieldTypeError('Input should be a valid list of strings', `${i}.0`);
    return { balanceLayers: balance, smoothLayers: m[1] };
  });
}

export const dumpMappings = (m: SmoothQuantMappingSpec[] | null) => (m === null ? null : m.map((x) => [x.balanceLayers, x.smoothLayers]));

/** Resolution with upstream's warnings for ignored and balance-less mappings. */
export function resolveMappings(model: Model, specs: readonly SmoothQuantMappingSpec[], ignore: readonly string[], warn: (m: string) => void): ResolvedSmoothQuantMapping[] {
  const all = model.namedModules();
  const ignored = new Set(all.filter(([n, m]) => ignore.some((t) => matchesTarget(n, m, t))).map(([n]) => n));
  const out: ResolvedSmoothQuantMapping[] = [];
  for (const spec of specs) {
    const smooth = all.filter(([n, m]) => matchesTarget(n, m, spec.smoothLayers));
    if (smooth.length === 0) {
      throw new ValueError(`SmoothQuant mapping ${JSON.stringify([spec.balanceLayers, spec.smoothLayers])} matches no smooth layer in ${model.root.className}`);
    }
    for (const [smoothName, smoothLayer] of smooth) {
      if (!('weight' in smoothLayer)) throw new ValueError(`SmoothQuant smooth layer ${smoothName} (${smoothLayer.className}) has no weight`);
      const parent = smoothName.includes('.') ? smoothName.slice(0, smoothName.lastIndexOf('.') + 1) : '';
      const balance = all.filter(([n, m]) => n.startsWith(parent) && m.kind === 'linear' && spec.balanceLayers.some((t) => matchesTarget(n, m, t)));
      const names = balance.map(([n]) => n);
      if (ignored.has(smoothName) && names.every((n) => ignored.has(n))) {
        warn(`Skipping SmoothQuant for ${smoothName} because all layers in the mapping are in the ignore list`);
        continue;
      }
      if (balance.length === 0) {
        warn(`Skipping SmoothQuant for ${smoothName} because no balance layers were found`);
        continue;
      }
      out.push({ smoothName, smoothLayer: smoothLayer as ResolvedSmoothQuantMapping['smoothLayer'], balanceNames: names, balanceLayers: balance.map(([, m]) => m as Linear) });
    }
  }
  return out;
}
