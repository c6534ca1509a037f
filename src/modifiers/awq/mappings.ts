/**
 * AWQ mappings (LLM Compressor 0.12 `transform/awq/mappings.py`): `{smooth_layer, balance_layers,
 * activation_hook_target}` entries (or `[balance_layers, smooth_layer]` pairs), the Llama default, and their
 * resolution on a model with `match_modules_set` — one smooth layer per set, its balance layers, and the
 * parent (the balance layers' lowest common ancestor, skipping ModuleLists) whose output the grid search scores.
 */
import { ValueError } from '../../core/errors.ts';
import { FieldTypeError } from '../../core/fields.ts';
import type { Model } from '../../model/model.ts';
import type { Linear, Module } from '../../model/modules.ts';
import { matchModulesSet } from '../../compressed-tensors/match.ts';
import { attachedScheme } from '../quantization/attached.ts';

export interface AWQMappingSpec {
  smoothLayer: string;
  balanceLayers: string[];
  activationHookTarget: string | null;
}

/** `default_mappings` (what LlamaForCausalLM resolves to). */
export const DEFAULT_AWQ_MAPPINGS: readonly AWQMappingSpec[] = [
  { smoothLayer: 're:.*input_layernorm$', balanceLayers: ['re:.*q_proj$', 're:.*k_proj$', 're:.*v_proj$'], activationHookTarget: null },
  { smoothLayer: 're:.*v_proj$', balanceLayers: ['re:.*o_proj$'], activationHookTarget: null },
  { smoothLayer: 're:.*post_attention_layernorm$', balanceLayers: ['re:.*gate_proj$', 're:.*up_proj$'], activationHookTarget: null },
  { smoothLayer: 're:.*up_proj$', balanceLayers: ['re:.*down_proj$'], activationHookTarget: null },
];

export function parseAwqMappings(v: unknown): AWQMappingSpec[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new FieldTypeError('Input should be a valid list');
  return v.map((m, i) => {
    if (Array.isArray(m) && m.length === 2 && typeof m[1] === 'string') {
      const b = typeof m[0] === 'string' ? [m[0]] : m[0];
      if (!Array.isArray(b) || !b.every((x) => typeof x === 'string')) throw new FieldTypeError('Input should be a valid list of strings', `${i}.0`);
      return { smoothLayer: m[1], balanceLayers: [...b], activationHookTarget: null };
    }
    if (m && typeof m === 'object' && !Array.isArray(m)) {
      const o = m as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!['smooth_layer', 'balance_layers', 'activation_hook_target'].includes(k)) throw new FieldTypeError('Extra inputs are not permitted', `${i}.${k}`);
      const b = o.balance_layers;
      if (typeof o.smooth_layer !== 'string') throw new FieldTypeError('Field required', `${i}.smooth_layer`);
      if (!Array.isArray(b) || !b.every((x) => typeof x === 'string')) throw new FieldTypeError('Input should be a valid list of strings', `${i}.balance_layers`);
      const hook = o.activation_hook_target ?? null;
      if (hook !== null && typeof hook !== 'string') throw new FieldTypeError('Input should be a valid string', `${i}.activation_hook_target`);
      return { smoothLayer: o.smooth_layer, balanceLayers: [...b], activationHookTarget: hook };
    }
    throw new FieldTypeError('Input should be a mapping {smooth_layer, balance_layers} or a [balance_layers, smooth_layer] pair', String(i));
  });
}

export const dumpAwqMappings = (m: AWQMappingSpec[] | null) =>
  m === null ? null : m.map((x) => ({ smooth_layer: x.smoothLayer, balance_layers: x.balanceLayers, activation_hook_target: x.activationHookTarget }));

/** What the smooth layer is: an RMSNorm (its weight vector) or a Linear (its output rows). */
export type SmoothModule = Module & { weight: { data: ArrayLike<number>; shape: readonly number[] } };

export interface ResolvedAwqMapping {
  smoothName: string;
  smoothLayer: SmoothModule;
  balanceNames: string[];
  balanceLayers: Linear[];
  parentName: string;
  parent: Module;
  /** The Linear whose input is the smoothed activation (balance_layers[0] or activation_hook_target). */
  hookLayer: Linear;
}

/** Upstream's text for a mapping in its messages (the dataclass repr). */
export const mappingRepr = (m: AWQMappingSpec) =>
  `AWQMapping(smooth_layer='${m.smoothLayer}', balance_layers=[${m.balanceLayers.map((b) => `'${b}'`).join(', ')}], activation_hook_target=${m.activationHookTarget === null ? 'None' : `'${m.activationHookTarget}'`})`;

/** `get_lowest_common_ancestor_name`: the longest common dotted prefix; a single name is its own ancestor. */
export function lowestCommonAncestorName(names: readonly string[]): string {
  if (names.length === 0) return '';
  const sorted = [...names].sort();
  const s1 = `.${sorted[0]}.`, s2 = `.${sorted[sorted.length - 1]}.`;
  let i = 0;
  while (i < s1.length && i < s2.length && s1[i] === s2[i]) i++;
  const prefix = s1.slice(0, i);
  return prefix.slice(1, Math.max(1, prefix.lastIndexOf('.')));
}

/** v_proj → o_proj only where v_proj's outputs are o_proj's inputs (not with grouped-query attention). */
function compatible(smoothName: string, smooth: Module, balance: Array<[string, Module]>): boolean {
  return balance.every(([n, b]) => !(smooth.kind === 'linear' && b.kind === 'linear' && n.endsWith('.o_proj') &&
    ((smoothName.endsWith('.v_proj') && smooth.outFeatures !== b.inFeatures) || (smoothName.endsWith('.qkv_proj') && smooth.outFeatures !== 3 * b.inFeatures))));
}

/** `_set_resolved_mappings`, with upstream's skips and warnings. */
export function resolveAwqMappings(model: Model, specs: readonly AWQMappingSpec[], warn: (m: string) => void): ResolvedAwqMapping[] {
  const out: ResolvedAwqMapping[] = [];
  let incompatible = 0;
  for (const spec of specs) {
    for (const [smooths, ...nested] of matchModulesSet(model, [spec.smoothLayer, ...spec.balanceLayers])) {
      if (smooths.length > 1) {
        throw new ValueError(`AWQ needs to match a single smoothlayer for each mapping but got [${smooths.map(([n]) => `'${n}'`).join(', ')}] for mapping: ${mappingRepr(spec)}`);
      }
      const [smoothName, smoothLayer] = smooths[0];
      const balance = nested.flat();
      if (!compatible(smoothName, smoothLayer, balance)) {
        incompatible += 1;
        continue;
      }
      const anyTargeted = attachedScheme(smoothLayer) !== undefined || balance.some(([, m]) => attachedScheme(m) !== undefined);
      if (!anyTargeted || balance.length === 0) {
        warn(`Skipping ${smoothName} for mapping ${mappingRepr(spec)} because ${balance.length === 0 ? 'no balance layers were found.' : 'no layers are targeted for quantization.'}`);
        continue;
      }
      if (!('weight' in smoothLayer)) throw new ValueError(`AWQ smooth layer ${smoothName} (${smoothLayer.className}) has no weight`);
      const notLinear = balance.find(([, m]) => m.kind !== 'linear');
      if (notLinear) throw new ValueError(`AWQ balance layer ${notLinear[0]} (${notLinear[1].className}) is not a Linear`);
      const balanceNames = balance.map(([n]) => n);
      let parentName = lowestCommonAncestorName(balanceNames);
      while (parentName !== '' && model.getModule(parentName)?.className === 'ModuleList') parentName = parentName.split('.').slice(0, -1).join('.');
      const parent = parentName === '' ? model.root : model.getModule(parentName)!;
      let hookLayer = balance[0][1] as Linear;
      if (spec.activationHookTarget) {
        const target = model.getModule(parentName === '' ? spec.activationHookTarget : `${parentName}.${spec.activationHookTarget}`);
        if (!target) throw new ValueError(`activation_hook_target '${spec.activationHookTarget}' not found on parent module '${parentName}'`);
        if (target.kind !== 'linear') throw new ValueError(`activation_hook_target '${spec.activationHookTarget}' is a ${target.className}; llmc-sim hooks a Linear's input only`);
        hookLayer = target;
      }
      out.push({ smoothName, smoothLayer: smoothLayer as SmoothModule, balanceNames, balanceLayers: balance.map(([, m]) => m as Linear), parentName, parent, hookLayer });
    }
  }
  if (incompatible > 0) warn(`${incompatible} mappings were skipped due to incompatible shapes. Set logging to DEBUG to view full list.`);
  return out;
}
