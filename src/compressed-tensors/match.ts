/**
 * Target matching (compressed-tensors `utils/match.py`, spinquant.md §1): a target string names a module
 * by `re:`-prefixed regex (anchored at the start only, like Python's `re.match`), by exact name, or by any
 * class in the module's chain (`'Linear'` matches every Linear). Online transform modules never match.
 *
 * `re:` patterns run on RE2 (re2js), a linear-time engine: a recipe's regex cannot make matching hang
 * (`re:([a-z_.0-9]+)*!` is as fast as any other). RE2's syntax is Python's for everything a module name
 * needs, `(?P<name>…)` included; backreferences and lookaround, which only a backtracking engine can
 * run, are refused with a ValueError naming the pattern.
 */
import { RE2JS, RE2JSException } from 're2js';
import { ValueError } from '../core/errors.ts';
import { warn } from '../core/logger.ts';
import type { Model } from '../model/model.ts';
import type { Module } from '../model/modules.ts';

/** Class-chain marker of online transform modules (`…down_proj.R4_input`); they never match a target. */
export const TRANSFORM_BASE_CLASS = 'TransformBase';

const regexCache = new Map<string, RE2JS>();

/** A compiled target pattern; `lookingAt` is Python's `re.match` (anchored at the start only). */
function targetRegex(pattern: string): RE2JS {
  let re = regexCache.get(pattern);
  if (!re) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      const why = e instanceof RE2JSException ? e.message : String(e);
      throw new ValueError(`Invalid target regex 're:${pattern}': ${why} (patterns run on a linear-time engine: no backreferences or lookaround)`);
    }
    regexCache.set(pattern, re);
  }
  return re;
}

/** True for modules that only carry an online transform. */
export function isTransformModule(module: Module): boolean {
  return module.classChain.includes(TRANSFORM_BASE_CLASS);
}

/** Does one target string match `(name, module)`? (`is_match` for a single target, no ignore list.) */
export function matchesTarget(name: string, module: Module, target: string): boolean {
  if (isTransformModule(module)) return false;
  if (target.startsWith('re:')) return targetRegex(target.slice(3)).matcher(name).lookingAt();
  return target === name || module.classChain.includes(target);
}

/** `is_match(name, module, targets, ignore)`: some target matches and no ignore entry does. */
export function isMatch(name: string, module: Module, targets: readonly string[], ignore: readonly string[] = []): boolean {
  if (!targets.some((t) => matchesTarget(name, module, t))) return false;
  return !ignore.some((t) => matchesTarget(name, module, t));
}

export interface MatchOptions {
  /** Log ``Could not match `{target}` in instance of {ModelClass}`` for each target that matched nothing. */
  warnOnFail?: boolean;
  /** Where the warning goes (default: the core logger). */
  warn?: (message: string) => void;
}

/** The unmatched-target warning. */
export const couldNotMatch = (target: string, modelClass: string) => `Could not match \`${target}\` in instance of ${modelClass}`;

/**
 * `match_named_modules(model, targets, ignore)`: `[name, module]` pairs matching a target and no ignore
 * entry, in `namedModules()` order, each once.
 */
export function match(model: Model, targets: readonly string[] | string, ignore: readonly string[] | string = [], options: MatchOptions = {}): Array<[string, Module]> {
  const ts = typeof targets === 'string' ? [targets] : targets;
  const ig = typeof ignore === 'string' ? [ignore] : ignore;
  const out: Array<[string, Module]> = [];
  const unmatched = new Set(ts);
  for (const [name, module] of model.namedModules()) {
    if (isTransformModule(module)) continue;
    let hit = false;
    for (const t of ts) {
      if (matchesTarget(name, module, t)) {
        hit = true;
        unmatched.delete(t);
      }
    }
    if (hit && !ig.some((t) => matchesTarget(name, module, t))) out.push([name, module]);
  }
  if (options.warnOnFail) {
    const say = options.warn ?? warn;
    for (const t of unmatched) say(couldNotMatch(t, model.root.className));
  }
  return out;
}

/** T9 */
export class ModuleRematchError extends ValueError {
  constructor(readonly moduleName: string, readonly targets: readonly string[]) {
    super(
      `module: ${moduleName} was matched with multiple targets: ${pySet(targets)} which is unexpected disable this ` +
        'check by setting `error_on_module_rematch = False`',
    );
  }
}

/** T10 */
export class IncompleteSetError extends ValueError {
  constructor(readonly found: readonly string[], readonly missing: readonly string[]) {
    super(`Found a final incomplete set with matches found for keys: ${pySet(found)} but no matches found for keys: ${pySet(missing)}`);
  }
}

/** A Python set rendered in target order (lifecycle.md §0). */
export function pySet(items: readonly string[]): string {
  return `{${items.map((s) => `'${s}'`).join(', ')}}`;
}

function commonAncestor(name: string, context: string | null): string {
  if (context === null) return name;
  const a = name.split('.');
  const b = context.split('.');
  const out: string[] = [];
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) out.push(a[i]);
  return out.join('.');
}

/**
 * `match_modules_set(model, targets, ignore)`: groups matches into sets, one list of modules per target.
 * A set's context is the longest common dotted prefix of its names; once every target has a match, a match
 * that would change the context closes the set and opens the next. A module matching two targets → T9; a
 * final incomplete set → T10; nothing matched → no sets.
 */
export function matchModulesSet(model: Model, targets: readonly string[], ignore: readonly string[] = []): Array<Array<Array<[string, Module]>>> {
  const sets: Array<Array<Array<[string, Module]>>> = [];
  const fresh = () => targets.map(() => [] as Array<[string, Module]>);
  let matches = fresh();
  let context: string | null = null;
  let unmatched = new Set(targets);
  for (const [name, module] of model.namedModules()) {
    if (isTransformModule(module)) continue;
    const hitTargets: string[] = [];
    targets.forEach((target, ti) => {
      if (!isMatch(name, module, [target], ignore)) return;
      let next = commonAncestor(name, context);
      if (unmatched.size === 0 && next !== context) {
        sets.push(matches);
        matches = fresh();
        next = name;
        unmatched = new Set(targets);
      }
      matches[ti].push([name, module]);
      context = next;
      unmatched.delete(target);
      hitTargets.push(target);
    });
    if (hitTargets.length > 1) throw new ModuleRematchError(name, hitTargets);
  }
  if (unmatched.size === new Set(targets).size) return sets;
  if (unmatched.size === 0) {
    sets.push(matches);
    return sets;
  }
  throw new IncompleteSetError(targets.filter((t) => !unmatched.has(t)), targets.filter((t) => unmatched.has(t)));
}
