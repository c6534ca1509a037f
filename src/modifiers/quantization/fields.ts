/**
 * QuantizationModifier's field validators (LLM Compressor 0.12 `QuantizationMixin`): `scheme`,
 * `config_groups`, the observer names and the `observer` dict.
 */
import { FieldTypeError } from '../../core/fields.ts';
import { NotSimulatedError } from './errors.ts';
import { checkPresetName, OBSERVER_NAMES, parseSchemeEntry, type QuantizationScheme } from './presets.ts';

export type SchemeValue = string | Record<string, string[]>;

/** `scheme`: a preset name, or `{presetName: targets}` (a bare target string wrapped). */
export function parseScheme(v: unknown): SchemeValue | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    checkPresetName(v);
    return v;
  }
  if (typeof v === 'object' && !Array.isArray(v)) {
    const out: Record<string, string[]> = {};
    for (const [name, targets] of Object.entries(v as Record<string, unknown>)) {
      checkPresetName(name);
      if (typeof targets === 'string') out[name] = [targets];
      else if (Array.isArray(targets) && targets.every((t) => typeof t === 'string')) out[name] = [...targets];
      else throw new FieldTypeError('Input should be a valid list of strings', name);
    }
    return out;
  }
  throw new FieldTypeError(`Input should be a preset scheme name or a dictionary of preset scheme names (got ${JSON.stringify(v)})`);
}

export function parseConfigGroups(v: unknown): Record<string, QuantizationScheme> | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new FieldTypeError('Input should be a valid dictionary');
  const out: Record<string, QuantizationScheme> = {};
  for (const [name, entry] of Object.entries(v as Record<string, unknown>)) out[name] = parseSchemeEntry(entry, name);
  return out;
}

/** Observer names we simulate (min-max and MSE kinds); others → T30. */
export const knownObserver = (py: string) => (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' && OBSERVER_NAMES.includes(v.toLowerCase())) return v.toLowerCase();
  throw new NotSimulatedError(py);
};

/** `observer`: `{weights|input|output: name}` (0.12's `validate_observer`). */
export function parseObserverDict(v: unknown): Record<string, string> | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new FieldTypeError('`observer` must be a dictionary');
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(v as Record<string, unknown>)) {
    if (!['weights', 'input', 'output'].includes(key)) throw new FieldTypeError(`Invalid observer key '${key}'. Valid keys are: {'weights', 'input', 'output'}`);
    if (typeof name !== 'string') throw new FieldTypeError(`Observer value for '${key}' must be a string`);
    out[key] = knownObserver(`observer.${key}`)(name)!;
  }
  return out;
}
