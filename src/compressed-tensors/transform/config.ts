/**
 * Transform configuration (compressed-tensors `transform/transform_{args,scheme,config}.py`, spinquant.md §7):
 * `TransformArgs` (where), `TransformScheme` (what matrix, applied where), `TransformConfig` (named schemes).
 * Values are plain objects in camelCase; `parse*` accept Python or TypeScript names and `dump*` write the
 * Python shape, so dump then parse gives an equal value.
 */
import { ValueError } from '../../core/errors.ts';
import { FieldTypeError, ModifierValidationError } from '../../core/fields.ts';

export const TRANSFORM_LOCATIONS = ['input', 'weight_input', 'weight_output', 'output', 'k_cache', 'q_attn'] as const;
export type TransformLocation = (typeof TRANSFORM_LOCATIONS)[number];
/** Locations applied in the forward pass (hooks); the two `weight_*` ones are fused into weights. */
export const isOnline = (l: TransformLocation): boolean => l !== 'weight_input' && l !== 'weight_output';

export type Precision = 'float32' | 'float64';

export interface TransformArgs {
  targets: string[];
  location: TransformLocation;
  inverse: boolean;
  ignore: string[];
}

export interface TransformScheme {
  type: string;
  apply: TransformArgs[];
  randomize: boolean;
  requiresGrad: boolean;
  /** Block size; null = the full dimension. */
  headDim: number | null;
  /** dtype of online transforms' matrices (fused ones are float64). */
  precision: Precision;
}

export interface TransformConfig {
  configGroups: Record<string, TransformScheme>;
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v);
const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function expectMapping(v: unknown, path: string): Record<string, unknown> {
  if (!isMapping(v)) throw new FieldTypeError(`Input should be a valid dictionary (got ${describe(v)} ${JSON.stringify(v)})`, path);
  return v;
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/** Reads keys given by Python or TypeScript name; any other key → `Extra inputs are not permitted` (E30). */
function readKeys(v: Record<string, unknown>, names: ReadonlyArray<readonly [string, string]>, path: string): Map<string, unknown> {
  const byName = new Map<string, string>();
  for (const [py, ts] of names) {
    byName.set(py, py);
    byName.set(ts, py);
  }
  const out = new Map<string, unknown>();
  for (const [k, value] of Object.entries(v)) {
    const py = byName.get(k);
    if (!py) throw new FieldTypeError('Extra inputs are not permitted', join(path, k));
    if (value !== undefined) out.set(py, value);
  }
  return out;
}

function stringList(v: unknown, path: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...v];
  throw new FieldTypeError(`Input should be a valid list of strings (got ${describe(v)} ${JSON.stringify(v)})`, path);
}

function bool(v: unknown, path: string): boolean {
  if (typeof v === 'boolean') return v;
  throw new FieldTypeError(`Input should be a valid boolean (got ${describe(v)} ${JSON.stringify(v)})`, path);
}

/** T5 */
export class NoSuchTorchDtypeError extends ValueError {
  readonly code = 'T5';
  constructor(readonly dtypeName: string) {
    super(`No such torch dtype \`torch.${dtypeName}\``);
  }
}

/** T6 (ours) */
export class UnsupportedPrecisionError extends ValueError {
  readonly code = 'T6';
  constructor(readonly dtypeName: string) {
    super(`precision ${dtypeName} is not supported by llmc-sim (use float32 or float64)`);
  }
}

const TORCH_DTYPES = new Set([
  'float16', 'half', 'bfloat16', 'complex32', 'chalf', 'complex64', 'cfloat', 'complex128', 'cdouble', 'uint8', 'uint16',
  'uint32', 'uint64', 'int8', 'int16', 'short', 'int32', 'int', 'int64', 'long', 'bool', 'quint8', 'qint8', 'qint32',
  'quint4x2', 'quint2x4', 'float8_e4m3fn', 'float8_e4m3fnuz', 'float8_e5m2', 'float8_e5m2fnuz', 'float8_e8m0fnu',
  'float4_e2m1fn_x2', 'bits8', 'bits16',
]);

/** `float32`/`float64` (also `float`/`double`), optional `torch.` prefix; unknown names → T5, other dtypes → T6. */
export function parsePrecision(v: unknown): Precision {
  if (typeof v !== 'string') throw new FieldTypeError(`Input should be a valid torch dtype name (got ${describe(v)} ${JSON.stringify(v)})`);
  const name = v.startsWith('torch.') ? v.slice(6) : v;
  if (name === 'float64' || name === 'double') return 'float64';
  if (name === 'float32' || name === 'float') return 'float32';
  if (TORCH_DTYPES.has(name)) throw new UnsupportedPrecisionError(name);
  throw new NoSuchTorchDtypeError(name);
}

export const dumpPrecision = (p: Precision): string => `torch.${p}`;

function parseArgsAt(v: unknown, path: string): TransformArgs {
  if (typeof v === 'string') throw new FieldTypeError(`Input should be a valid dictionary or instance of TransformArgs (got string ${JSON.stringify(v)})`, path);
  const m = readKeys(expectMapping(v, path), [['targets', 'targets'], ['location', 'location'], ['inverse', 'inverse'], ['ignore', 'ignore']], path);
  if (!m.has('targets')) throw new FieldTypeError('Field required', join(path, 'targets'));
  if (!m.has('location')) throw new FieldTypeError('Field required', join(path, 'location'));
  const location = m.get('location');
  if (typeof location !== 'string' || !(TRANSFORM_LOCATIONS as readonly string[]).includes(location)) {
    throw new FieldTypeError(`Input should be ${TRANSFORM_LOCATIONS.map((l) => `'${l}'`).join(', ').replace(/, ([^,]*)$/, ' or $1')}`, join(path, 'location'));
  }
  return {
    targets: stringList(m.get('targets'), join(path, 'targets')),
    location: location as TransformLocation,
    inverse: m.has('inverse') ? bool(m.get('inverse'), join(path, 'inverse')) : false,
    ignore: m.has('ignore') ? stringList(m.get('ignore'), join(path, 'ignore')) : [],
  };
}

function parseSchemeAt(v: unknown, path: string): TransformScheme {
  const m = readKeys(
    expectMapping(v, path),
    [['type', 'type'], ['apply', 'apply'], ['randomize', 'randomize'], ['requires_grad', 'requiresGrad'], ['head_dim', 'headDim'], ['precision', 'precision']],
    path,
  );
  const type = m.get('type');
  if (typeof type !== 'string') throw new FieldTypeError(type === undefined ? 'Field required' : 'Input should be a valid string', join(path, 'type'));
  const apply = m.get('apply') ?? [];
  if (!Array.isArray(apply)) throw new FieldTypeError(`Input should be a valid list (got ${describe(apply)})`, join(path, 'apply'));
  const headDim = m.get('head_dim') ?? null;
  if (headDim !== null && !(typeof headDim === 'number' && Number.isInteger(headDim))) {
    throw new FieldTypeError(`Input should be a valid integer (got ${JSON.stringify(headDim)})`, join(path, 'head_dim'));
  }
  let precision: Precision = 'float32';
  if (m.has('precision')) {
    try {
      precision = parsePrecision(m.get('precision'));
    } catch (e) {
      if (e instanceof FieldTypeError) throw new FieldTypeError(e.message, join(path, 'precision'));
      throw e;
    }
  }
  return {
    type,
    apply: apply.map((a, i) => parseArgsAt(a, join(join(path, 'apply'), i))),
    randomize: m.has('randomize') ? bool(m.get('randomize'), join(path, 'randomize')) : false,
    requiresGrad: m.has('requires_grad') ? bool(m.get('requires_grad'), join(path, 'requires_grad')) : false,
    headDim: headDim as number | null,
    precision,
  };
}

/** Parses a config (Python or TS names) under a field path; errors are FieldTypeErrors naming the sub-path. @internal */
export function parseTransformConfigAt(v: unknown, path = ''): TransformConfig {
  const m = readKeys(expectMapping(v, path), [['config_groups', 'configGroups']], path);
  const groups = expectMapping(m.get('config_groups') ?? {}, join(path, 'config_groups'));
  const configGroups: Record<string, TransformScheme> = {};
  for (const [name, scheme] of Object.entries(groups)) configGroups[name] = parseSchemeAt(scheme, join(join(path, 'config_groups'), name));
  return { configGroups };
}

function standalone<T>(cls: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof FieldTypeError) throw new ModifierValidationError(cls, [{ field: e.subPath || '(value)', message: e.message }]);
    throw e;
  }
}

/** `TransformArgs(...)`: bare strings wrapped; unknown keys → E30. */
export const parseTransformArgs = (v: unknown): TransformArgs => standalone('TransformArgs', () => parseArgsAt(v, ''));
/** `TransformScheme(...)`. */
const parseTransformScheme = (v: unknown): TransformScheme => standalone('TransformScheme', () => parseSchemeAt(v, ''));
/** `TransformConfig(...)`. */
export const parseTransformConfig = (v: unknown): TransformConfig => standalone('TransformConfig', () => parseTransformConfigAt(v, ''));

export function dumpTransformArgs(a: TransformArgs): Record<string, unknown> {
  return { targets: [...a.targets], location: a.location, inverse: a.inverse, ignore: [...a.ignore] };
}

export function dumpTransformScheme(s: TransformScheme): Record<string, unknown> {
  return {
    type: s.type,
    apply: s.apply.map(dumpTransformArgs),
    randomize: s.randomize,
    requires_grad: s.requiresGrad,
    head_dim: s.headDim,
    precision: dumpPrecision(s.precision),
  };
}

export function dumpTransformConfig(c: TransformConfig): Record<string, unknown> {
  return { config_groups: Object.fromEntries(Object.entries(c.configGroups).map(([k, s]) => [k, dumpTransformScheme(s)])) };
}
