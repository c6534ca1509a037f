/**
 * Quantization schemes and presets (compressed-tensors 0.17.1 `quantization/quant_scheme.py`, spinquant.md
 * §10). Only integer RTN is simulated: weights static per channel or group, input activations dynamic per
 * token.
 */
import { FieldTypeError } from '../../core/fields.ts';
import { NOT_A_PRESET, NotSimulatedError, unsupportedPreset } from './errors.ts';

export type WeightStrategy = 'channel' | 'group' | 'tensor';

export interface QuantizationArgs {
  numBits: number;
  type: 'int';
  strategy: WeightStrategy | 'token';
  groupSize: number | null;
  symmetric: boolean;
  dynamic: boolean;
}

export interface QuantizationScheme {
  targets: string[];
  weights: QuantizationArgs | null;
  inputActivations: QuantizationArgs | null;
  outputActivations: QuantizationArgs | null;
}

const w = (numBits: number, strategy: WeightStrategy, symmetric: boolean, groupSize: number | null = null): QuantizationArgs => ({
  numBits, type: 'int', strategy, groupSize, symmetric, dynamic: false,
});
const tokenAct = (numBits: number): QuantizationArgs => ({ numBits, type: 'int', strategy: 'token', groupSize: null, symmetric: true, dynamic: true });

/** The presets we simulate, by upper-case name. */
export const PRESETS: Readonly<Record<string, Omit<QuantizationScheme, 'targets'>>> = {
  W4A16: { weights: w(4, 'group', true, 128), inputActivations: null, outputActivations: null },
  W4A16_ASYM: { weights: w(4, 'group', false, 128), inputActivations: null, outputActivations: null },
  W8A16: { weights: w(8, 'group', true, 128), inputActivations: null, outputActivations: null },
  W8A8: { weights: w(8, 'channel', true), inputActivations: tokenAct(8), outputActivations: null },
  INT8: { weights: w(8, 'channel', true), inputActivations: tokenAct(8), outputActivations: null },
  /** Ours (not an upstream preset): the SpinQuant/QuaRot headline setting without the KV cache. */
  W4A4: { weights: w(4, 'channel', true), inputActivations: tokenAct(4), outputActivations: null },
};

/** Upstream presets we do not simulate (T31). */
export const UPSTREAM_ONLY_PRESETS = [
  'UNQUANTIZED', 'W4A8', 'FP8', 'FP8_DYNAMIC', 'FP8_BLOCK', 'FP8_PER_CHANNEL', 'NVFP4A16', 'NVFP4', 'MXFP4A16', 'MXFP4',
  'W4AFP8',
] as const;

/** Validates a preset name (case-insensitive): simulated → its upper-case name; upstream-only → T31; else upstream's error. */
export function checkPresetName(name: string): string {
  const up = name.toUpperCase();
  if (up in PRESETS) return up;
  if ((UPSTREAM_ONLY_PRESETS as readonly string[]).includes(up)) throw new FieldTypeError(unsupportedPreset(name));
  throw new FieldTypeError(NOT_A_PRESET);
}

/** The scheme of a preset for `targets`. */
export function presetScheme(name: string, targets: readonly string[]): QuantizationScheme {
  const p = PRESETS[name.toUpperCase()];
  return { targets: [...targets], weights: clone(p.weights), inputActivations: clone(p.inputActivations), outputActivations: clone(p.outputActivations) };
}

const clone = <T>(v: T): T => (v === null ? v : structuredClone(v));

// ---- config_groups entries ------------------------------------------------------------------------

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `{num_bits, type: int, strategy, group_size, symmetric, dynamic}` (Python or TS names) at `path`. */
export function parseQuantizationArgs(v: unknown, path: string, kind: 'weights' | 'input_activations' | 'output_activations'): QuantizationArgs | null {
  if (v === null || v === undefined) return null;
  if (!isMapping(v)) throw new FieldTypeError('Input should be a valid dictionary or instance of QuantizationArgs', path);
  const names: Record<string, string> = {
    num_bits: 'num_bits', numBits: 'num_bits', type: 'type', strategy: 'strategy', group_size: 'group_size',
    groupSize: 'group_size', symmetric: 'symmetric', dynamic: 'dynamic', observer: 'observer',
  };
  const got: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) {
    const py = names[k];
    if (!py) throw new FieldTypeError('Extra inputs are not permitted', `${path}.${k}`);
    got[py] = value;
  }
  const numBits = got.num_bits ?? 8;
  if (typeof numBits !== 'number' || !Number.isInteger(numBits) || numBits < 2 || numBits > 16) {
    throw new FieldTypeError(`Input should be an integer number of bits in [2, 16] (got ${JSON.stringify(numBits)})`, `${path}.num_bits`);
  }
  const type = got.type ?? 'int';
  if (type !== 'int') throw new NotSimulatedError(`${path}.type ${JSON.stringify(type)} (only int)`);
  const dynamic = got.dynamic ?? (kind !== 'weights');
  if (typeof dynamic !== 'boolean') throw new FieldTypeError('Input should be a valid boolean', `${path}.dynamic`);
  if (got.observer != null && !String(got.observer).includes('minmax')) throw new NotSimulatedError(`${path}.observer`);
  const symmetric = got.symmetric ?? true;
  if (typeof symmetric !== 'boolean') throw new FieldTypeError('Input should be a valid boolean', `${path}.symmetric`);
  const groupSize = got.group_size ?? null;
  if (groupSize !== null && !(typeof groupSize === 'number' && Number.isInteger(groupSize) && groupSize > 0)) {
    throw new FieldTypeError(`Input should be a positive integer (got ${JSON.stringify(groupSize)})`, `${path}.group_size`);
  }
  const strategy = got.strategy ?? (groupSize !== null ? 'group' : kind === 'weights' ? 'channel' : 'token');
  const allowed = kind === 'weights' ? ['channel', 'group', 'tensor'] : ['token'];
  if (typeof strategy !== 'string' || !allowed.includes(strategy)) {
    throw new NotSimulatedError(`${path}.strategy ${JSON.stringify(strategy)} (simulated: ${allowed.join(', ')})`);
  }
  if (strategy === 'group' && groupSize === null) throw new FieldTypeError('group strategy needs group_size', `${path}.group_size`);
  if (kind !== 'weights' && !dynamic) throw new NotSimulatedError(`${path} with static (dynamic: false) activations`);
  if (kind === 'output_activations') throw new NotSimulatedError(path);
  return { numBits, type: 'int', strategy: strategy as QuantizationArgs['strategy'], groupSize, symmetric, dynamic };
}

/** A `config_groups` entry `{targets, weights, input_activations, output_activations}`. */
export function parseSchemeEntry(v: unknown, path: string): QuantizationScheme {
  if (!isMapping(v)) throw new FieldTypeError('Input should be a valid dictionary or instance of QuantizationScheme', path);
  const known = new Set(['targets', 'weights', 'input_activations', 'inputActivations', 'output_activations', 'outputActivations', 'format']);
  for (const k of Object.keys(v)) if (!known.has(k)) throw new FieldTypeError('Extra inputs are not permitted', `${path}.${k}`);
  const t = v.targets;
  if (t === undefined) throw new FieldTypeError('Field required', `${path}.targets`);
  const targets = typeof t === 'string' ? [t] : Array.isArray(t) && t.every((x) => typeof x === 'string') ? [...t] : null;
  if (!targets) throw new FieldTypeError('Input should be a valid list of strings', `${path}.targets`);
  return {
    targets,
    weights: parseQuantizationArgs(v.weights, `${path}.weights`, 'weights'),
    inputActivations: parseQuantizationArgs(v.input_activations ?? v.inputActivations, `${path}.input_activations`, 'input_activations'),
    outputActivations: parseQuantizationArgs(v.output_activations ?? v.outputActivations, `${path}.output_activations`, 'output_activations'),
  };
}

export function dumpQuantizationArgs(a: QuantizationArgs | null): Record<string, unknown> | null {
  if (a === null) return null;
  return { num_bits: a.numBits, type: a.type, strategy: a.strategy, group_size: a.groupSize, symmetric: a.symmetric, dynamic: a.dynamic };
}

export function dumpSchemeEntry(s: QuantizationScheme): Record<string, unknown> {
  return {
    targets: [...s.targets],
    weights: dumpQuantizationArgs(s.weights),
    input_activations: dumpQuantizationArgs(s.inputActivations),
    output_activations: dumpQuantizationArgs(s.outputActivations),
  };
}
