/**
 * Quantization schemes and presets (compressed-tensors 0.17.1 `quantization/quant_scheme.py`, spinquant.md
 * §10). Integer fake quantization: weights per tensor, channel or group; input activations dynamic per token
 * or tensor, or static per tensor (calibrated by an observer).
 */
import { FieldTypeError } from '../../core/fields.ts';
import { warn } from '../../core/logger.ts';
import { NOT_A_PRESET, NotSimulatedError, unsupportedPreset } from './errors.ts';

export type WeightStrategy = 'channel' | 'group' | 'tensor';

export interface QuantizationArgs {
  numBits: number;
  /** `float` is FP8 e4m3 (num_bits 8), symmetric. */
  type: 'int' | 'float';
  strategy: WeightStrategy | 'token';
  groupSize: number | null;
  symmetric: boolean;
  dynamic: boolean;
  /** GPTQ's column order (weights only); null: none. */
  actorder: ActivationOrdering | null;
  /** Static quantization's observer (`memoryless_minmax` by default); null when dynamic. */
  observer: string | null;
}

export interface QuantizationScheme {
  targets: string[];
  weights: QuantizationArgs | null;
  inputActivations: QuantizationArgs | null;
  outputActivations: QuantizationArgs | null;
}

const w = (numBits: number, strategy: WeightStrategy, symmetric: boolean, groupSize: number | null = null): QuantizationArgs => ({
  numBits, type: 'int', strategy, groupSize, symmetric, dynamic: false, actorder: null, observer: 'memoryless_minmax',
});
const tokenAct = (numBits: number): QuantizationArgs => ({ numBits, type: 'int', strategy: 'token', groupSize: null, symmetric: true, dynamic: true, actorder: null, observer: null });
const fp8 = (strategy: QuantizationArgs['strategy'], dynamic: boolean, observer: string | null): QuantizationArgs => ({
  numBits: 8, type: 'float', strategy, groupSize: null, symmetric: true, dynamic, actorder: null, observer,
});

/** The presets we simulate, by upper-case name. */
export const PRESETS: Readonly<Record<string, Omit<QuantizationScheme, 'targets'>>> = {
  W4A16: { weights: w(4, 'group', true, 128), inputActivations: null, outputActivations: null },
  W4A16_ASYM: { weights: w(4, 'group', false, 128), inputActivations: null, outputActivations: null },
  W8A16: { weights: w(8, 'group', true, 128), inputActivations: null, outputActivations: null },
  W8A8: { weights: w(8, 'channel', true), inputActivations: tokenAct(8), outputActivations: null },
  INT8: { weights: w(8, 'channel', true), inputActivations: tokenAct(8), outputActivations: null },
  FP8: { weights: fp8('tensor', false, 'memoryless_minmax'), inputActivations: fp8('tensor', false, 'static_minmax'), outputActivations: null },
  FP8_DYNAMIC: { weights: fp8('channel', false, 'memoryless_minmax'), inputActivations: fp8('token', true, null), outputActivations: null },
  /** Ours (not an upstream preset): the SpinQuant/QuaRot headline setting without the KV cache. */
  W4A4: { weights: w(4, 'channel', true), inputActivations: tokenAct(4), outputActivations: null },
};

/** Upstream presets we do not simulate (T31). */
export const UPSTREAM_ONLY_PRESETS = [
  'UNQUANTIZED', 'W4A8', 'FP8_BLOCK', 'FP8_PER_CHANNEL', 'NVFP4A16', 'NVFP4', 'MXFP4A16', 'MXFP4',
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

/** compressed-tensors' `ActivationOrdering` after its aliases (`dynamic` → group, `static` → weight). */
export type ActivationOrdering = 'group' | 'weight';

const ARG_NAMES: Record<string, string> = {
  num_bits: 'num_bits', numBits: 'num_bits', type: 'type', strategy: 'strategy', group_size: 'group_size',
  groupSize: 'group_size', symmetric: 'symmetric', dynamic: 'dynamic', observer: 'observer', actorder: 'actorder',
  block_structure: 'block_structure', blockStructure: 'block_structure', scale_dtype: 'scale_dtype', scaleDtype: 'scale_dtype',
  zp_dtype: 'zp_dtype', zpDtype: 'zp_dtype', observer_kwargs: 'observer_kwargs', observerKwargs: 'observer_kwargs',
};

const STRATEGIES = ['tensor', 'channel', 'group', 'block', 'token', 'tensor_group', 'attn_head'];
/** What we simulate per kind (others are T30). */
const SIMULATED: Record<'weights' | 'input_activations' | 'output_activations', readonly string[]> = {
  weights: ['channel', 'group', 'tensor'],
  input_activations: ['token', 'tensor'],
  output_activations: [],
};
const OBSERVERS = ['minmax', 'static_minmax', 'memoryless_minmax'];

/** `ActivationOrdering` validator: a bool is `group`/none, a string its lower-case member (aliases resolved). */
function parseActorder(v: unknown, path: string): ActivationOrdering | null {
  if (v === null || v === undefined || v === false) return null;
  if (v === true) return 'group';
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (lower === 'group' || lower === 'dynamic') return 'group';
    if (lower === 'weight' || lower === 'static') return 'weight';
  }
  throw new FieldTypeError("Input should be 'group', 'weight', 'dynamic' or 'static'", `${path}.actorder`);
}

/**
 * Parses compressed-tensors 0.17 `QuantizationArgs` (Python or TS names) at `path`, with its
 * `validate_model_after` defaults: `strategy` omitted is `tensor` (no group_size), `group` (group_size > 0)
 * or `channel` (group_size −1); `dynamic` defaults to false for weights and activations alike, so
 * `input_activations: {num_bits: 8}` is static per-tensor; static quantization observes with
 * `memoryless_minmax` unless told otherwise, dynamic with none.
 */
export function parseQuantizationArgs(v: unknown, path: string, kind: 'weights' | 'input_activations' | 'output_activations'): QuantizationArgs | null {
  if (v === null || v === undefined) return null;
  if (!isMapping(v)) throw new FieldTypeError('Input should be a valid dictionary or instance of QuantizationArgs', path);
  const got: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(v)) {
    const py = ARG_NAMES[k];
    if (!py) throw new FieldTypeError('Extra inputs are not permitted', `${path}.${k}`);
    got[py] = value;
  }
  const numBits = got.num_bits ?? 8;
  if (typeof numBits !== 'number' || !Number.isInteger(numBits) || numBits < 2 || numBits > 16) {
    throw new FieldTypeError(`Input should be an integer number of bits in [2, 16] (got ${JSON.stringify(numBits)})`, `${path}.num_bits`);
  }
  const type = typeof got.type === 'string' ? got.type.toLowerCase() : got.type ?? 'int';
  if (type !== 'int' && type !== 'float') throw new FieldTypeError("Input should be 'int' or 'float'", `${path}.type`);
  if (type === 'float' && numBits !== 8) throw new NotSimulatedError(`${path}.type float with num_bits ${numBits} (only FP8 e4m3)`);
  const dynamic = typeof got.dynamic === 'string' ? got.dynamic.toLowerCase() : got.dynamic ?? false;
  if (dynamic === 'local') throw new NotSimulatedError(`${path}.dynamic "local"`);
  if (typeof dynamic !== 'boolean') throw new FieldTypeError('Input should be a valid boolean', `${path}.dynamic`);
  const symmetric = got.symmetric ?? true;
  if (typeof symmetric !== 'boolean') throw new FieldTypeError('Input should be a valid boolean', `${path}.symmetric`);
  const groupSize = got.group_size ?? null;
  if (groupSize !== null && !(typeof groupSize === 'number' && Number.isInteger(groupSize))) {
    throw new FieldTypeError(`Input should be a valid integer (got ${JSON.stringify(groupSize)})`, `${path}.group_size`);
  }
  if (groupSize !== null && groupSize < -1) {
    throw new FieldTypeError(`Invalid group size ${groupSize}. Use group_size > 0 for strategy='group' and group_size = -1 for 'channel'`, `${path}.group_size`);
  }
  const given = got.strategy ?? null;
  if (given !== null && (typeof given !== 'string' || !STRATEGIES.includes(given.toLowerCase()))) {
    throw new FieldTypeError(`Input should be ${STRATEGIES.map((x) => `'${x}'`).join(', ')}`, `${path}.strategy`);
  }
  let strategy: string;
  if (given !== null) strategy = (given as string).toLowerCase();
  else {
    if (groupSize === null) strategy = 'tensor';
    else if (groupSize > 0) strategy = 'group';
    else if (groupSize === -1) strategy = 'channel';
    else throw new FieldTypeError(`Invalid group size ${groupSize}. Use group_size > 0 for strategy='group' and group_size = -1 for 'channel'`, `${path}.group_size`);
  }
  if (strategy === 'token' && !dynamic) throw new FieldTypeError('Cannot perform static token quantization, please use `dynamic=True`', path);
  const grouped = strategy === 'group' || strategy === 'tensor_group';
  if (grouped && (groupSize === null || groupSize <= 0)) {
    throw new FieldTypeError(`strategy ${strategy} requires group_size to be set to a positive value`, path);
  }
  if (groupSize !== null && groupSize > 0 && !grouped) throw new FieldTypeError("group_size requires strategy to be set to 'group'", path);
  if ((strategy === 'block') !== (got.block_structure != null)) {
    throw new FieldTypeError(strategy === 'block' ? 'Block strategy requires block structure' : 'Block structure requires block strategy', path);
  }
  const actorder = parseActorder(got.actorder, path);
  if (actorder === 'group' && !grouped) {
    throw new FieldTypeError('Must use group or tensor_group quantization strategy in order to apply group activation ordering', path);
  }
  if (dynamic && !['token', 'tensor', 'tensor_group', 'group'].includes(strategy)) {
    throw new FieldTypeError(
      "One of (<QuantizationStrategy.TOKEN: 'token'>, <QuantizationStrategy.TENSOR: 'tensor'>, <QuantizationStrategy.TENSOR_GROUP: " +
        "'tensor_group'>, <QuantizationStrategy.GROUP: 'group'>) must be used for dynamic quant.",
      path,
    );
  }
  let observer = got.observer == null ? null : String(got.observer);
  if (dynamic) {
    if (observer !== null && observer !== 'memoryless') warn('No observer is used for dynamic quant., setting to None');
    observer = null;
  } else {
    observer ??= 'memoryless_minmax';
    if (!OBSERVERS.includes(observer)) throw new NotSimulatedError(`${path}.observer`);
  }
  if (kind === 'output_activations') throw new NotSimulatedError(path);
  if (!SIMULATED[kind].includes(strategy)) {
    throw new NotSimulatedError(`${path}.strategy ${JSON.stringify(strategy)} (simulated: ${SIMULATED[kind].join(', ')})`);
  }
  if (kind === 'input_activations' && groupSize !== null && groupSize > 0) throw new NotSimulatedError(`${path}.group_size`);
  if (type === 'float' && (!symmetric || strategy === 'group')) throw new NotSimulatedError(`${path} (FP8 is simulated symmetric, per tensor, channel or token)`);
  return {
    numBits, type, strategy: strategy as QuantizationArgs['strategy'], groupSize: grouped ? groupSize : null, symmetric, dynamic,
    actorder, observer,
  };
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
  return {
    num_bits: a.numBits, type: a.type, strategy: a.strategy, group_size: a.groupSize, symmetric: a.symmetric, dynamic: a.dynamic,
    actorder: a.actorder, observer: a.observer,
  };
}

export function dumpSchemeEntry(s: QuantizationScheme): Record<string, unknown> {
  return {
    targets: [...s.targets],
    weights: dumpQuantizationArgs(s.weights),
    input_activations: dumpQuantizationArgs(s.inputActivations),
    output_activations: dumpQuantizationArgs(s.outputActivations),
  };
}
