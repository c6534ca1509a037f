/**
 * Declared, validated constructor fields: what pydantic does for upstream's modifiers. A modifier
 * class lists its fields once; construction, recipe parsing (errors name the field) and
 * serialization (Python names) all read the same list.
 */
import { ValueError } from './errors.ts';
import { validationMessage } from './options.ts';
import { didYouMean } from './suggest.ts';
import { showValue } from './show.ts';

export interface FieldSpec<T = unknown> {
  /** Python (serialized) name, e.g. `transform_block_size`. */
  readonly py: string;
  /** TypeScript property name, e.g. `transformBlockSize`. */
  readonly ts: string;
  readonly default: () => T;
  /** Converts or rejects a user value; throws FieldTypeError with what it expected. */
  readonly parse: (value: unknown) => T;
  /** Python-shaped dump of a value; `undefined` omits the key. */
  readonly dump?: (value: T) => unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FieldSpecs = readonly FieldSpec<any>[];

/** A field's value has the wrong type: carries pydantic's phrasing of what was expected. */
export class FieldTypeError extends Error {
  constructor(readonly expected: string, readonly subPath: string = '') {
    super(expected);
  }
}

/** A pydantic-style validation failure (E30 layout): `N validation error(s) for Class`, then per error the field and the text. */
export class ModifierValidationError extends ValueError {
  constructor(readonly className: string, readonly errors: readonly { field: string; message: string }[]) {
    super(validationMessage(className, errors));
  }
}

export function field<T>(py: string, ts: string, dflt: T | (() => T), parse: (v: unknown) => T, dump?: (v: T) => unknown): FieldSpec<T> {
  const d = typeof dflt === 'function' ? (dflt as () => T) : () => structuredClone(dflt);
  return { py, ts, default: d, parse, dump };
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'list' : typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v);

// Parsers, named after the pydantic type they stand for.
export const asOptionalNumber = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // pydantic's lax mode parses numeric strings; PyYAML leaves `1e-3` (no dot) a string. A string that
  // overflows (`1e999`) is refused like `.inf`: schedules are finite.
  if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === 'number') throw new FieldTypeError(`Input should be a finite number (got ${showValue(v)})`);
  throw new FieldTypeError(`Input should be a valid number (got ${describe(v)} ${showValue(v)})`);
};
export const asOptionalInt = (v: unknown): number | null => {
  const n = asOptionalNumber(v);
  if (n !== null && !Number.isInteger(n)) throw new FieldTypeError(`Input should be a valid integer (got ${n})`);
  return n;
};
export const asOptionalString = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  throw new FieldTypeError(`Input should be a valid string (got ${describe(v)} ${showValue(v)})`);
};
export const asBool = (v: unknown): boolean => {
  if (typeof v === 'boolean') return v;
  throw new FieldTypeError(`Input should be a valid boolean (got ${describe(v)} ${showValue(v)})`);
};
/** A list of strings; a bare string is wrapped (upstream's validators do this for targets). */
export const asStringList = (v: unknown): string[] => {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return [...v];
  throw new FieldTypeError(`Input should be a valid list of strings (got ${describe(v)} ${showValue(v)})`);
};

/** The base Modifier fields (lifecycle.md §3.1). */
export const BASE_FIELDS: FieldSpecs = [
  field('index', 'index', null, asOptionalInt),
  field('group', 'group', null, asOptionalString),
  field('start', 'start', null, asOptionalNumber),
  field('end', 'end', null, asOptionalNumber),
  field('update', 'update', null, asOptionalNumber),
];

/**
 * Validates `args` (Python or TypeScript names) against `specs` and assigns every field on `target`.
 * Collects every problem before throwing, like pydantic.
 */
export function assignFields(target: object, className: string, specs: FieldSpecs, args: Record<string, unknown> | null | undefined): void {
  if (args !== null && args !== undefined && (typeof args !== 'object' || Array.isArray(args))) {
    throw new ModifierValidationError(className, [{ field: '(arguments)', message: `Input should be a mapping of field names to values (got ${describe(args)})` }]);
  }
  const given = args ?? {};
  const byName = new Map<string, FieldSpec>();
  for (const s of specs) {
    byName.set(s.py, s);
    byName.set(s.ts, s);
  }
  const errors: { field: string; message: string }[] = [];
  const seen = new Map<FieldSpec, unknown>();
  for (const [key, value] of Object.entries(given)) {
    const spec = byName.get(key);
    if (!spec) {
      // The spec's text, then a suggestion when a declared field is one typo away (`strat` → `start`).
      const hint = didYouMean(key, specs.map((s) => s.py));
      errors.push({ field: key, message: hint ? `Extra inputs are not permitted.${hint}` : 'Extra inputs are not permitted' });
      continue;
    }
    if (value === undefined) continue;
    try {
      seen.set(spec, spec.parse(value));
    } catch (e) {
      if (e instanceof FieldTypeError) errors.push({ field: spec.py + (e.subPath ? `.${e.subPath}` : ''), message: e.message });
      // A validator that trips over an exotic value (a BigInt, a cycle) still reports the field.
      else if (e instanceof TypeError || e instanceof RangeError) errors.push({ field: spec.py, message: `Input could not be validated (got ${showValue(value)}: ${e.message})` });
      else throw e;
    }
  }
  if (errors.length) throw new ModifierValidationError(className, errors);
  const t = target as Record<string, unknown>;
  for (const s of specs) t[s.ts] = seen.has(s) ? seen.get(s) : s.default();
}

/** Python-named dump of every field (nulls included; the recipe serializer filters). */
export function dumpFields(source: object, specs: FieldSpecs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const s = source as Record<string, unknown>;
  for (const spec of specs) {
    const v = s[spec.ts];
    const dumped = spec.dump ? spec.dump(v as never) : v;
    if (dumped !== undefined) out[spec.py] = dumped;
  }
  return out;
}
