/**
 * Upstream `get_yaml_serializable_dict` (lifecycle.md §8.4, Q19 KEEP):
 * `{ '<stage>_stage': { '<group>_modifiers': { <ClassName>: args } } }`, where the group is the
 * modifier's (or the stage name when null or empty) and `args` is its Python-named dump without
 * null values, keys ending in `_`, and `group`. A later modifier of the same class in the same group
 * replaces the earlier one; we warn about it.
 */
import { warn } from '../core/logger.ts';
import { isTruthy } from '../core/python.ts';
import type { Modifier } from '../modifiers/modifier.ts';

/** A copy that callers may change without touching the modifier (plain data; anything else is kept). */
function copy(v: unknown): unknown {
  try {
    return structuredClone(v);
  } catch {
    return v;
  }
}

/** The serializable arguments of one modifier. */
export function modifierArgs(modifier: Modifier): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(modifier.modelDump())) {
    if (v === null || v === undefined || k.endsWith('_') || k === 'group') continue;
    out[k] = copy(v);
  }
  return out;
}

export function serializeRecipe(modifiers: readonly Modifier[], stage: string): Record<string, unknown> {
  const stageKey = `${stage}_stage`;
  const groups: Record<string, Record<string, unknown>> = {};
  for (const modifier of modifiers) {
    const group = isTruthy(modifier.group) ? modifier.group : stage;
    const groupKey = `${group}_modifiers`;
    const type = modifier.constructor.name;
    const entries = (groups[groupKey] ??= {});
    if (Object.prototype.hasOwnProperty.call(entries, type)) {
      warn(`Recipe serialization keeps only the last ${type} of group '${group}' in stage '${stage}': a group holds one modifier per class (an earlier one is dropped)`);
    }
    entries[type] = modifierArgs(modifier);
  }
  return { [stageKey]: groups };
}
