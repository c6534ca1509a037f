/**
 * AWQModifier (LLM Compressor 0.12 `transform/awq/base.py`): fields `mappings`, `offload_device`,
 * `duo_scaling` (True, False or 'both'), `n_grid` (20). The activation-aware scale search is not computed.
 */
import { field, FieldTypeError, type FieldSpecs } from '../../core/fields.ts';
import { Modifier, type ModifierArgs } from '../modifier.ts';
import { UncomputedModifier } from './base.ts';

export interface AWQMappingSpec {
  smoothLayer: string;
  balanceLayers: string[];
  activationHookTarget: string | null;
}

function parseAwqMappings(v: unknown): AWQMappingSpec[] | null {
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

function parseDuoScaling(v: unknown): boolean | 'both' {
  if (v === true || v === false || v === 'both') return v;
  throw new FieldTypeError(`duo_scaling must be True, False, or 'both', got ${typeof v === 'string' ? `'${v}'` : JSON.stringify(v)}`);
}

function asNGrid(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new FieldTypeError('Input should be a valid integer');
}

export class AWQModifier extends UncomputedModifier {
  static override readonly fields: FieldSpecs = [
    ...Modifier.fields,
    field<AWQMappingSpec[] | null>('mappings', 'mappings', null, parseAwqMappings, (m) =>
      m === null ? null : m.map((x) => ({ smooth_layer: x.smoothLayer, balance_layers: x.balanceLayers, activation_hook_target: x.activationHookTarget }))),
    field<string | null>('offload_device', 'offloadDevice', null, (v) => (v === null || v === undefined ? null : String(v))),
    field<boolean | 'both'>('duo_scaling', 'duoScaling', true, parseDuoScaling),
    field<number>('n_grid', 'nGrid', 20, asNGrid),
  ];
  declare mappings: AWQMappingSpec[] | null;
  declare offloadDevice: string | null;
  declare duoScaling: boolean | 'both';
  declare nGrid: number;
  protected readonly uncomputed = "AWQ's activation-aware scale search (n_grid, duo_scaling) and the scales it would fold into the smooth and balance layers";

  constructor(args: ModifierArgs & Record<string, unknown> = {}) {
    super(args);
  }
}
