/**
 * Quantization schemes and presets (compressed-tensors 0.17.1 `quantization/quant_scheme.py`, spinquant.md
 * §10). Integer fake quantization: weights per tensor, channel or group; input activations dynamic per token
 * or tensor, or static per tensor (calibrated by an observer). Float formats: FP8 e4m3 (per tensor, channel,
 * token, 128×128 block or group), NVFP4 (FP4 e2m1, tensor_group 16 with FP8 group scales and a float32
 * global scale) and MX (FP4 or FP8 elements, group 32, E8M0 scales); see `floatFormat`.
 */
import { FieldTypeError } from '../../core/fields.ts';
import { warn } from '../../core/logger.ts';
import { NOT_A_PRESET, NotSimulatedError } from './errors.ts';

export type WeightStrategy = 'channel' | 'group' | 'tensor';

export interface QuantizationArgs {
  numBits: number;
  /** `float` is FP8 e4m3 (num_bits 8) or FP4 e2m1 (num_bits 4), symmetric. */
  type: 'int' | 'float';
  strategy: WeightStrategy | 'token' | 'tensor_group' | 'block';
  groupSize: number | null;
  symmetric: boolean;
  /** `local` (tensor_group only): group scales per forward, the global scale calibrated (NVFP4 activations). */
  dynamic: boolean | 'local';
  /** compressed-tensors' `scale_dtype`: FP8 group scales (NVFP4), uint8 E8M0 exponents (MX); null: float. */
  scaleDtype?: ScaleDtype | null;
  /** `block_structure` [rows, cols] of the `block` strategy. */
  blockStructure?: [number, number] | null;
  /** GPTQ's column order (weights only); null: none. */
  actorder: ActivationOrdering | null;
  /** Static quantization's observer (`memoryless_minmax` by default); null when dynamic. */
  observer: string | null;
  /** `observer_kwargs` (the MSE observers read `maxshrink`, `patience`, `grid`, `norm`, `averaging_constant`). */
  observerKwargs?: Record<string, unknown>;
}

export type ScaleDtype = 'float8_e4m3fn' | 'uint8';

/** The float fake-quantization kernels a float `QuantizationArgs` maps to. */
export type FloatFormat = 'fp8' | 'fp8_block' | 'fp8_group' | 'nvfp4' | 'mx';

/**
 * Which float kernel simulates `a` (null: an int scheme or a float combination we do not simulate):
 * 8 bits per tensor/channel/token → `fp8`, `block` → `fp8_block`, `group` with float scales → `fp8_group`;
 * `tensor_group` with FP8 scales → `nvfp4` (4 bits); `group` 32 with uint8 scales → `mx` (4 or 8 bits),
 * as compressed-tensors' `should_generate_mx_scales`.
 */
export function floatFormat(a: QuantizationArgs): FloatFormat | null {
  if (a.type !== 'float' || !a.symmetric) return null;
  const scale = a.scaleDtype ?? null;
  if (a.strategy === 'group' && a.groupSize === 32 && scale === 'uint8') return 'mx';
  if (a.numBits === 4) return a.strategy === 'tensor_group' && scale === 'float8_e4m3fn' ? 'nvfp4' : null;
  if (a.numBits !== 8 || scale !== null) return null;
  if (a.strategy === 'block') return 'fp8_block';
  if (a.strategy === 'group') return 'fp8_group';
  return a.strategy === 'tensor_group' ? null : 'fp8';
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

const nvfp4 = (dynamic: boolean | 'local', observer: string | null): QuantizationArgs => ({
  numBits: 4, type: 'float', strategy: 'tensor_group', groupSize: 16, symmetric: true, dynamic, actorder: null, observer, scaleDtype: 'float8_e4m3fn',
});
const mx = (numBits: 4 | 8, dynamic: boolean): QuantizationArgs => ({
  numBits, type: 'float', strategy: 'group', groupSize: 32, symmetric: true, dynamic, actorder: null, observer: dynamic ? null : 'memoryless_minmax', scaleDtype: 'uint8',
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
  W4AFP8: { weights: w(4, 'group', true, 128), inputActivations: fp8('token', true, null), outputActivations: null },
  FP8_BLOCK: {
    weights: { ...fp8('block', false, 'memoryless_minmax'), blockStructure: [128, 128] },
    inputActivations: { ...fp8('group', true, null), groupSize: 128 },
    outputActivations: null,
  },
  NVFP4A16: { weights: nvfp4(false, 'memoryless_minmax'), inputActivations: null, outputActivations: null },
  NVFP4: { weights: nvfp4(false, 'memoryless_minmax'), inputActivations: nvfp4('local', 'static_minmax'), outputActivations: null },
  MXFP4A16: { weights: mx(4, false), inputActivations: null, outputActivations: null },
  MXFP4: { weights: mx(4, false), inputActivations: mx(4, true), outputActivations: null },
  MXFP8A16: { weights: mx(8, false), inputActivations: null, outputActivations: null },
  MXFP8: { weights: mx(8, false), inputActivations: mx(8, true), outputActivations: null },
  /** compressed-tensors' `INT8_W4A8`: int4 group-128 weights, int8 dynamic per-token inputs. */
  W4A8: { weights: w(4, 'group', true, 128), inputActivations: tokenAct(8), outputActivations: null },
  /** The no-op preset: targets matched, nothing quantized. */
  UNQUANTIZED: { weights: null, inputActivations: null, outputActivations: null },
  /** Ours (not an upstream preset): the SpinQuant/QuaRot headline setting without the KV cache. */
  W4A4: { weights: w(4, 'channel', true), inputActivations: tokenAct(4), outputActivations: null },
};

/**
 * Validates a preset name (case-insensitive, as `is_preset_scheme`): a preset → its upper-case name; else
 * LLM Compressor's own error (`FP8_PER_CHANNEL` too: it is no compressed-tensors 0.17 preset).
 */
export function checkPresetName(name: string): string {
  const up = name.toUpperCase();
  if (up in PRESETS) return up;
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
/** What the args quantize: a Linear's weight, input or output, or (`kv_cache_scheme`) the attention's keys and values. */
export type ArgsKind = 'weights' | 'input_activations' | 'output_activations' | 'kv_cache';

/** What we simulate per kind (others are T30). */
const SIMULATED: Record<ArgsKind, readonly string[]> = {
  weights: ['channel', 'group', 'tensor', 'tensor_group', 'block'],
  input_activations: ['token', 'tensor', 'group', 'tensor_group'],
  output_activations: ['token', 'tensor'],
  kv_cache: ['tensor', 'attn_head'],
};
/** The observers we simulate (LLM Compressor 0.12's registry less none). */
export const OBSERVER_NAMES: readonly string[] = ['minmax', 'static_minmax', 'memoryless_minmax', 'mse', 'memoryless_mse', 'imatrix_mse'];
const OBSERVERS = OBSERVER_NAMES;

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
export function parseQuantizationArgs(v: unknown, path: string, kind: Exclude<ArgsKind, 'kv_cache'>): QuantizationArgs | null {
  return parseArgs(v, path, kind) as QuantizationArgs | null;
}

/** `kv_cache_scheme`'s args: static, per tensor or per KV head (`attn_head`). */
export interface KvCacheArgs extends Omit<QuantizationArgs, 'strategy'> {
  strategy: 'tensor' | 'attn_head';
}

export function parseKvCacheScheme(v: unknown): KvCacheArgs | null {
  return parseArgs(v, 'kv_cache_scheme', 'kv_cache') as KvCacheArgs | null;
}

function parseArgs(v: unknown, path: string, kind: ArgsKind): QuantizationArgs | KvCacheArgs | null {
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
  if (type === 'float' && numBits !== 8 && numBits !== 4) throw new NotSimulatedError(`${path}.type float with num_bits ${numBits} (only FP8 e4m3 and FP4 e2m1)`);
  const dynamic = typeof got.dynamic === 'string' ? got.dynamic.toLowerCase() : got.dynamic ?? false;
  if (typeof dynamic !== 'boolean' && dynamic !== 'local') throw new FieldTypeError('Input should be a valid boolean', `${path}.dynamic`);
  const scaleDtype = parseScaleDtype(got.scale_dtype, `${path}.scale_dtype`);
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
  const blockStructure = got.block_structure == null ? null : parseBlockStructure(got.block_structure, `${path}.block_structure`);
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
  if (dynamic === 'local' && strategy !== 'tensor_group') throw new FieldTypeError('local is only supported for strategy tensor_group', path);
  let observer = got.observer == null ? null : String(got.observer);
  if (dynamic === 'local') {
    observer ??= 'minmax';
    if (!OBSERVERS.includes(observer)) throw new NotSimulatedError(`${path}.observer`);
  } else if (dynamic) {
    if (observer !== null && observer !== 'memoryless') warn('No observer is used for dynamic quant., setting to None');
    observer = null;
  } else {
    observer ??= 'memoryless_minmax';
    if (!OBSERVERS.includes(observer)) throw new NotSimulatedError(`${path}.observer`);
  }
  if (kind === 'kv_cache' && dynamic !== false) throw new NotSimulatedError(`${path}.dynamic ${JSON.stringify(dynamic)} (the KV cache is simulated static: scales calibrated on the calibration data)`);
  if (!SIMULATED[kind].includes(strategy)) {
    throw new NotSimulatedError(`${path}.strategy ${JSON.stringify(strategy)} (simulated: ${SIMULATED[kind].join(', ')})`);
  }
  const observerKwargs = got.observer_kwargs ?? {};
  if (!isMapping(observerKwargs)) throw new FieldTypeError('Input should be a valid dictionary', `${path}.observer_kwargs`);
  const args: QuantizationArgs = {
    // attn_head only for kv_cache (KvCacheArgs)
    numBits, type, strategy: strategy as QuantizationArgs['strategy'], groupSize: grouped ? groupSize : null, symmetric, dynamic,
    actorder, observer, ...(scaleDtype ? { scaleDtype } : {}), ...(blockStructure ? { blockStructure } : {}),
    ...(Object.keys(observerKwargs).length ? { observerKwargs: { ...observerKwargs } } : {}),
  };
  checkMseObserver(args, path, kind);
  if (type === 'float' && !symmetric && numBits === 4) throw new FieldTypeError('Asymmetric Quantization is not supported for FP4', path);
  if (type === 'float' && floatFormat(args) === null) {
    throw new NotSimulatedError(
      `${path} (float formats simulated: FP8 per tensor, channel, token, block or group; NVFP4 tensor_group with float8_e4m3fn scales; MX group 32 with uint8 scales; all symmetric)`,
    );
  }
  if (type === 'int' && (strategy === 'tensor_group' || strategy === 'block' || scaleDtype !== null)) throw new NotSimulatedError(`${path}.strategy ${JSON.stringify(strategy)} with int`);
  if (type === 'int' && kind === 'input_activations' && groupSize !== null && groupSize > 0) throw new NotSimulatedError(`${path}.group_size`);
  return args;
}

/** MSE observers search int ranges per tensor, channel or group, and FP8 per tensor or channel (T30 otherwise). */
function checkMseObserver(a: QuantizationArgs, path: string, kind: string): void {
  if (a.observer === null || !a.observer.endsWith('mse')) return;
  const ok = kind === 'weights'
    ? a.type === 'int' ? ['tensor', 'channel', 'group'].includes(a.strategy) : floatFormat(a) === 'fp8'
    : a.dynamic === false && a.strategy === 'tensor' && (a.type === 'int' || floatFormat(a) === 'fp8');
  if (!ok) throw new NotSimulatedError(`${path}.observer ${JSON.stringify(a.observer)} with ${a.type} ${a.strategy} (simulated: int tensor, channel or group weights, FP8 tensor or channel weights, static per-tensor activations)`);
}

/** `scale_dtype`: a torch dtype name (with or without `torch.`); the ones our kernels use. */
function parseScaleDtype(v: unknown, path: string): ScaleDtype | null {
  if (v === null || v === undefined) return null;
  const name = typeof v === 'string' ? v.replace(/^torch\./, '') : '';
  if (name === 'float8_e4m3fn' || name === 'uint8') return name;
  throw new NotSimulatedError(`${path} ${JSON.stringify(v)} (simulated: float8_e4m3fn, uint8)`);
}

/** `block_structure`: two positive integers [rows, cols]. */
function parseBlockStructure(v: unknown, path: string): [number, number] {
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isInteger(n) && n > 0)) return [v[0], v[1]];
  throw new FieldTypeError(`Invalid block_structure, expected a list of two positive integers (got ${JSON.stringify(v)})`, path);
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
  const scheme = {
    targets,
    weights: parseQuantizationArgs(v.weights, `${path}.weights`, 'weights'),
    inputActivations: parseQuantizationArgs(v.input_activations ?? v.inputActivations, `${path}.input_activations`, 'input_activations'),
    outputActivations: parseQuantizationArgs(v.output_activations ?? v.outputActivations, `${path}.output_activations`, 'output_activations'),
  };
  // QuantizationScheme.validate_model_after
  if (scheme.inputActivations?.actorder) throw new FieldTypeError('Cannot apply actorder to input activations', path);
  if (scheme.outputActivations?.actorder) throw new FieldTypeError('Cannot apply actorder to output activations', path);
  return scheme;
}

export function dumpQuantizationArgs(a: QuantizationArgs | KvCacheArgs | null): Record<string, unknown> | null {
  if (a === null) return null;
  return {
    num_bits: a.numBits, type: a.type, strategy: a.strategy, group_size: a.groupSize, symmetric: a.symmetric, dynamic: a.dynamic,
    actorder: a.actorder, observer: a.observer, ...(a.observerKwargs ? { observer_kwargs: { ...a.observerKwargs } } : {}),
    ...(a.scaleDtype ? { scale_dtype: `torch.${a.scaleDtype}`, zp_dtype: `torch.${a.scaleDtype}` } : {}),
    ...(a.blockStructure ? { block_structure: [...a.blockStructure] } : {}),
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

/** Observer names a modifier's `weight_observer`/`input_observer`/`output_observer` (or `observer` dict) set. */
export type ObserverOverrides = Record<'weights' | 'input_activations' | 'output_activations', string | null>;

/**
 * `_apply_observer_overrides`: each named observer replaces its args' observer, re-validated as upstream's
 * `QuantizationArgs.model_validate(args_dict)` (a dynamic args' observer becomes None with its warning).
 */
export function applyObserverOverrides(s: QuantizationScheme, o: ObserverOverrides): QuantizationScheme {
  const one = (args: QuantizationArgs | null, kind: keyof ObserverOverrides): QuantizationArgs | null => {
    const name = o[kind];
    if (name === null || args === null) return args;
    return parseQuantizationArgs({ ...dumpQuantizationArgs(args), observer: name }, kind, kind);
  };
  return { ...s, weights: one(s.weights, 'weights'), inputActivations: one(s.inputActivations, 'input_activations'), outputActivations: one(s.outputActivations, 'output_activations') };
}
