/**
 * What `verify` explores: a list of ProbeModifiers (as recipe text, so a counterexample replays from
 * text alone), the fidelity, and the `globalStep` values event calls draw from.
 *
 * A config file is YAML: either a recipe, or a mapping with `recipe` (text, mapping or path),
 * `steps`, `fidelity`. Modifiers other than ProbeModifier are explored by their schedule
 * (`start`/`end`/`update`) as default probes, with a warning: their own hooks are not modelled.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ValueError } from '../core/errors.ts';
import type { Fidelity } from '../core/fidelity.ts';
import type { HookName } from '../core/records.ts';
import { warn } from '../core/logger.ts';
import { ProbeModifier } from '../modifiers/probe.ts';
import { Recipe } from '../recipe/recipe.ts';

/** One explored modifier: the ProbeModifier fields that decide its lifecycle behaviour. */
export interface ProbeSpec {
  start: number | null;
  end: number | null;
  update: number | null;
  initializeReturns: boolean;
  finalizeReturns: boolean;
  raisesIn: HookName | null;
}

export interface VerifyConfig {
  probes: readonly ProbeSpec[];
  fidelity: Fidelity;
  /** The `globalStep` values an event call may carry (besides omitting it). */
  steps: readonly number[];
}

/** A verify config file does not parse or names something unknown. */
export class VerifyConfigError extends ValueError {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
  }
}

const DEFAULT_STEPS: readonly number[] = [0, 1, 2];

export const probe = (over: Partial<ProbeSpec> = {}): ProbeSpec => ({
  start: null,
  end: null,
  update: null,
  initializeReturns: true,
  finalizeReturns: true,
  raisesIn: null,
  ...over,
});

/**
 * The built-in configuration: a modifier active from step 0 to 2, one that starts at step 1 (Q1 in
 * 'reference'), and one that ends at step 2 without a start (Q8).
 */
export function defaultConfig(fidelity: Fidelity = 'default'): VerifyConfig {
  return {
    probes: [probe({ start: 0, end: 2 }), probe({ start: 1, end: 2 }), probe({ end: 2 })],
    fidelity,
    steps: DEFAULT_STEPS,
  };
}

/** `n` probes with staggered schedules, for scaling measurements. */
export function scaledConfig(n: number, fidelity: Fidelity = 'default'): VerifyConfig {
  const shapes = [probe({ start: 0, end: 2 }), probe({ start: 1, end: 2 }), probe({ end: 2 }), probe({ start: 1 }), probe({ start: 0, end: 1 }), probe({ initializeReturns: false, start: 0 })];
  return { probes: Array.from({ length: n }, (_, i) => shapes[i % shapes.length]), fidelity, steps: DEFAULT_STEPS };
}

/** The recipe text that builds exactly these probes (one group per probe, so none collapse). */
export function recipeText(probes: readonly ProbeSpec[]): string {
  const lines = ['verify_stage:'];
  probes.forEach((p, i) => {
    const args: string[] = [];
    if (p.start !== null) args.push(`start: ${p.start}`);
    if (p.end !== null) args.push(`end: ${p.end}`);
    if (p.update !== null) args.push(`update: ${p.update}`);
    if (!p.initializeReturns) args.push('initialize_returns: false');
    if (!p.finalizeReturns) args.push('finalize_returns: false');
    if (p.raisesIn !== null) args.push(`raises_in: ${p.raisesIn}`);
    lines.push(`  m${i}_modifiers:`, `    ProbeModifier: {${args.join(', ')}}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The probes a recipe (text, mapping or path) builds; non-probes become default probes with their schedule. */
function probesOf(recipe: string | Record<string, unknown>, fidelity: Fidelity): ProbeSpec[] {
  const r = Recipe.createInstance(typeof recipe === 'string' ? recipe : stringifyYaml(recipe), { fidelity });
  return r.modifiers.map((m) => {
    if (m instanceof ProbeModifier) {
      return { start: m.start, end: m.end, update: m.update, initializeReturns: m.initializeReturns, finalizeReturns: m.finalizeReturns, raisesIn: m.raisesIn };
    }
    warn(`verify: ${m.constructor.name} is explored by its schedule only (as a ProbeModifier with start/end/update); its own hooks are not modelled`);
    return probe({ start: m.start, end: m.end, update: m.update });
  });
}

const FIDELITY_VALUES: readonly Fidelity[] = ['default', 'reference'];

/** Parses a config file's text (see the module comment). `where` names the file in errors. */
export function parseConfig(text: string, where: string, fidelity?: Fidelity): VerifyConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new VerifyConfigError(where, `not YAML: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new VerifyConfigError(where, 'expected a mapping (a recipe, or {recipe, steps, fidelity})');
  const map = doc as Record<string, unknown>;
  const isConfig = 'recipe' in map || 'steps' in map || 'fidelity' in map;
  const fileFidelity = isConfig ? map.fidelity : undefined;
  if (fileFidelity !== undefined && !FIDELITY_VALUES.includes(fileFidelity as Fidelity)) {
    throw new VerifyConfigError(where, `fidelity must be 'default' or 'reference', got ${JSON.stringify(fileFidelity)}`);
  }
  const fid = fidelity ?? (fileFidelity as Fidelity | undefined) ?? 'default';
  let steps = DEFAULT_STEPS;
  if (isConfig && map.steps !== undefined) {
    const s = map.steps;
    if (!Array.isArray(s) || s.length === 0 || !s.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new VerifyConfigError(where, `steps must be a non-empty list of numbers, got ${JSON.stringify(s)}`);
    }
    steps = [...new Set(s as number[])];
  }
  const recipe = isConfig ? map.recipe : map;
  if (recipe === undefined) throw new VerifyConfigError(where, "no 'recipe' (a recipe text, mapping or path)");
  if (typeof recipe !== 'string' && (recipe === null || typeof recipe !== 'object' || Array.isArray(recipe))) {
    throw new VerifyConfigError(where, `recipe must be text, a mapping or a path, got ${JSON.stringify(recipe)}`);
  }
  let probes: ProbeSpec[];
  try {
    probes = probesOf(recipe as string | Record<string, unknown>, fid);
  } catch (e) {
    throw new VerifyConfigError(where, `recipe: ${(e as Error).message}`);
  }
  if (probes.length === 0) throw new VerifyConfigError(where, 'the recipe has no modifiers');
  return { probes, fidelity: fid, steps };
}

export function loadConfig(path: string, fidelity?: Fidelity): VerifyConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new VerifyConfigError(path, `cannot read: ${(e as Error).message}`);
  }
  return parseConfig(text, path, fidelity);
}
