/**
 * The one way live objects leave the process: `toJsonValue` turns models, tensors, modules, State,
 * modifiers and functions into small references (`{ "$model": { sha256 } }`, …) with content hashes,
 * never their contents; plain data passes through. Journals, `--records` and `log show` all use it, so
 * a record of a oneshot run is a few hundred bytes, not the model's weights.
 */
import { State } from '../core/state.ts';
import type { LifecycleRecord } from '../core/records.ts';
import { Model } from '../model/model.ts';
import { Tensor } from '../tensor/tensor.ts';
import { Modifier } from '../modifiers/modifier.ts';
import { Recipe } from '../recipe/recipe.ts';
import { modelSha256, tensorSha256 } from './modelHash.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const isModule = (v: object): v is { name: string; kind: string; className: string } =>
  'kind' in v && 'className' in v && 'classChain' in v && 'children' in v;

function ref(v: object, seen: Set<object>): JsonValue {
  if (v instanceof Model) return { $model: { sha256: modelSha256(v) } };
  if (v instanceof Tensor) return { $tensor: { dtype: v.dtype, shape: [...v.shape], sha256: tensorSha256(v) } };
  if (ArrayBuffer.isView(v)) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { $array: { type: v.constructor.name, length: (v as unknown as { length?: number }).length ?? v.byteLength, sha256: tensorSha256(bytes) } };
  }
  if (v instanceof State) return { $state: { model: v.model === null ? null : toJson(v.model, seen), optimizer: toJson(v.optimizer, seen), compressionReady: v.compressionReady } };
  if (v instanceof Modifier) return { $modifier: { type: v.constructor.name, phase: v.phase } };
  if (v instanceof Recipe) return { $recipe: { modifiers: v.modifiers.map((m) => m.constructor.name) } };
  if (isModule(v)) return { $module: { name: v.name, className: v.className } };
  if (v instanceof Map) return { $map: toJson([...v.entries()], seen) };
  if (v instanceof Set) return { $set: toJson([...v.values()], seen) };
  if (v instanceof Error) return { $error: { name: v.name, message: v.message } };
  return null as never;
}

function toJson(v: unknown, seen: Set<object>): JsonValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      // JSON text has no −0 and no non-finite numbers: those are references a replay restores.
      if (!Number.isFinite(v)) return { $number: String(v) };
      return v === 0 && 1 / v < 0 ? { $number: '-0' } : v;
    case 'bigint':
      return { $bigint: v.toString() };
    case 'undefined':
      return null;
    case 'function':
      return { $function: v.name || 'anonymous' };
    case 'symbol':
      return { $symbol: v.description ?? '' };
  }
  if (v === null) return null;
  const o = v as object;
  if (seen.has(o)) return { $cycle: true };
  const special = ref(o, seen);
  if (special !== null) return special;
  seen.add(o);
  try {
    if (Array.isArray(o)) return o.map((x) => toJson(x, seen));
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null && typeof (o as { toJSON?: unknown }).toJSON !== 'function') {
      const out: { [k: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(o)) setOwn(out, k, toJson(x, seen));
      return { $object: { class: o.constructor?.name ?? 'Object', fields: out } };
    }
    if (typeof (o as { toJSON?: unknown }).toJSON === 'function') return toJson((o as { toJSON(): unknown }).toJSON(), seen);
    const out: { [k: string]: JsonValue } = {};
    for (const k of Object.keys(o)) {
      const x = (o as Record<string, unknown>)[k];
      if (x !== undefined) setOwn(out, k, toJson(x, seen));
    }
    return out;
  } finally {
    seen.delete(o);
  }
}

/**
 * `out[key] = value` as an own property even for the key `__proto__` (which an assignment would take as
 * the object's prototype, dropping the key): options parsed from JSON may hold it.
 */
export function setOwn<T>(out: { [k: string]: T }, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/** Any value as JSON-safe data: live objects become hashed references (see the file comment). */
export function toJsonValue(value: unknown): JsonValue {
  return toJson(value, new Set());
}

/** A lifecycle record as JSON-safe data; `JSON.stringify(serializeRecord(r))` is one `--records` line. */
export function serializeRecord(record: LifecycleRecord): JsonValue {
  return toJson(record, new Set());
}
