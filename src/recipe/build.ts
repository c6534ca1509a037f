/**
 * Upstream `Recipe.from_dict` (lifecycle.md §8.1, §8.3 "Building from a mapping"): stages, groups
 * and modifier entries in document order, each entry created through the factory with its group.
 * Every error about an entry is a {@link RecipeError} naming the file, line and key path, with the
 * spec's message first.
 *
 * 1. Refresh the factory if not loaded.
 * 2. For each `<name>_stage` mapping (and, in `'default'`, `<name>_stage_<digits>`, Q15): the stage
 *    name drops every `_stage` (Q16); `stage` ends as the last one.
 * 3. For each `<group>_modifiers` mapping in it, for each `Type: args` entry: `args: null` is E56 in
 *    `'reference'`, no arguments in `'default'` (Q18); a `group` argument is E55 in `'reference'`,
 *    the group in `'default'` (Q17); then `ModifierFactory.create(Type, args + group)`.
 * 4. `args` (`mapping.args ?? {}`) must be a mapping, checked last as pydantic does.
 */
import type { Fidelity } from '../core/fidelity.ts';
import { RuntimeError, ValueError } from '../core/errors.ts';
import { ModifierFactory, ModifierNotFoundError } from '../modifiers/factory.ts';
import { ModifierValidationError } from '../core/fields.ts';
import type { Modifier } from '../modifiers/modifier.ts';
import {
  ModifierArgumentsTypeError,
  ModifierEmptyBodyError,
  ModifierGroupArgumentError,
  RecipeError,
  kindOf,
} from './errors.ts';
import { isMapping, type Locator } from './parseYaml.ts';

export interface BuildContext {
  readonly fidelity: Fidelity;
  /** The file to cite (`<string>` for text). */
  readonly file: string;
  readonly locate: Locator;
}

export interface BuiltRecipe {
  args: Record<string, unknown>;
  stage: string;
  modifiers: Modifier[];
}

const NUMBERED_STAGE = /^(.*_stage)_\d+$/;

/** The stage name of a top-level key, or null if the key is not a stage (§8.1, Q15, Q16). */
export function stageName(key: string, fidelity: Fidelity): string | null {
  if (key.endsWith('_stage')) return key.replaceAll('_stage', '');
  const numbered = fidelity === 'default' ? NUMBERED_STAGE.exec(key) : null;
  return numbered ? numbered[1].replaceAll('_stage', '') : null;
}

/** The group name of a key inside a stage, or null if it is not a group. */
export function groupName(key: string): string | null {
  return key.endsWith('_modifiers') ? key.replaceAll('_modifiers', '') : null;
}

export function buildFromMapping(mapping: Record<string, unknown>, ctx: BuildContext): BuiltRecipe {
  if (!ModifierFactory.loaded) ModifierFactory.refresh();
  const modifiers: Modifier[] = [];
  let stage = 'default';
  for (const [stageKey, stageVal] of Object.entries(mapping)) {
    const name = stageName(stageKey, ctx.fidelity);
    if (name === null || !isMapping(stageVal)) continue;
    stage = name;
    for (const [groupKey, groupVal] of Object.entries(stageVal)) {
      const group = groupName(groupKey);
      if (group === null || !isMapping(groupVal)) continue;
      for (const [type, body] of Object.entries(groupVal)) {
        modifiers.push(createEntry(type, body, group, [stageKey, groupKey, type], ctx));
      }
    }
  }
  const args = mapping.args ?? {};
  if (!isMapping(args)) {
    const cause = new ModifierValidationError('Recipe', [{ field: 'args', message: `Input should be a valid dictionary (got ${kindOf(args)})` }]);
    throw new RecipeError(cause, { file: ctx.file, line: ctx.locate(['args']), path: ['args'] });
  }
  return { args, stage, modifiers };
}

function createEntry(type: string, body: unknown, inferredGroup: string, path: string[], ctx: BuildContext): Modifier {
  try {
    let args: Record<string, unknown>;
    if (body === null || body === undefined) {
      if (ctx.fidelity === 'reference') throw new ModifierEmptyBodyError(type, inferredGroup);
      args = {};
    } else if (!isMapping(body)) {
      throw new ModifierArgumentsTypeError(type, kindOf(body));
    } else {
      args = body;
    }
    const hasGroup = Object.prototype.hasOwnProperty.call(args, 'group');
    if (hasGroup && ctx.fidelity === 'reference') throw new ModifierGroupArgumentError(type);
    const group = hasGroup ? args.group : inferredGroup;
    return ModifierFactory.create(type, { allowRegistered: true, allowExperimental: true, args: { ...args, group: group as string | null } });
  } catch (e) {
    throw locateError(e, path, ctx);
  }
}

/** Wraps an entry's error with its place; RuntimeErrors (not about the recipe's content) pass through. */
function locateError(e: unknown, path: string[], ctx: BuildContext): unknown {
  if (!(e instanceof Error) || (e instanceof RuntimeError && !(e instanceof ValueError))) return e;
  let where = path;
  if (e instanceof ModifierValidationError) {
    const field = e.errors[0]?.field;
    if (field && !field.startsWith('(')) where = [...path, field];
  }
  const line = ctx.locate(where) ?? ctx.locate(path);
  let hint: string | undefined;
  if (e instanceof ModifierNotFoundError) {
    const known = e.known.length ? e.known : ModifierFactory.knownTypes();
    hint = `registered: ${known.length ? known.join(', ') : '(none)'}`;
  }
  return new RecipeError(e, { file: ctx.file, line, path: where }, hint);
}
