/**
 * Turning a journal back into live things for a replay: the model its header names (or the given
 * one, checked tensor by tensor) and each stored call as a lifecycle call (`$ref: recipe` → the
 * recipe, `$model` → the replay's model, `$number`/`$bigint` → numbers).
 */
import type { LifecycleCall } from '../lifecycle/calls.ts';
import { createSyntheticModel } from '../model/synthetic.ts';
import type { Model } from '../model/model.ts';
import type { RecipeInput } from '../recipe/recipe.ts';
import { JournalModelError, JournalReplayError } from './errors.ts';
import { isJournalModel, type JournalCall, type JournalHeader } from './format.ts';
import { tensorHashes } from './modelHash.ts';
import { setOwn } from './serialize.ts';

/** Builds the model the header names, or checks the given one against its tensor hashes. */
export function replayModel(header: JournalHeader, given: Model | null | undefined): Model | null {
  const id = header.model;
  if (!id) return given ?? null;
  let model = given ?? null;
  const named = isJournalModel(id) ? `the final model of journal ${id.journal.file}` : `'${id.source}'`;
  if (!model) {
    // The final model of another journal is rebuilt by replaying it (replay.ts `startModel`), not here.
    if (isJournalModel(id) || id.source !== 'synthetic') throw new JournalModelError(`the journal was recorded with model ${named}: pass it with --model PATH`);
    model = createSyntheticModel((id.options ?? {}) as Record<string, number>);
  }
  const got = tensorHashes(model);
  for (const [name, sha] of Object.entries(id.tensors)) {
    if (!(name in got)) throw new JournalModelError(`wrong model: tensor '${name}' of the journal's model ${named} is missing`);
    if (got[name] !== sha) throw new JournalModelError(`wrong model: tensor '${name}' differs (journal sha256 ${sha.slice(0, 16)}…, given ${got[name].slice(0, 16)}…)`);
  }
  for (const name of Object.keys(got)) if (!(name in id.tensors)) throw new JournalModelError(`wrong model: tensor '${name}' is not in the journal's model ${named}`);
  return model;
}

/** What `restore` needs besides the value; the path of the value is kept as a stack and joined only for an error. */
interface RestoreContext {
  n: number;
  recipe: () => RecipeInput | null;
  model: Model | null;
  path: (string | number)[];
}

const pathOf = (path: (string | number)[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/** A stored value as a live one (runs per call during a replay: no closure, no path string unless it throws). */
function restore(v: unknown, ctx: RestoreContext): unknown {
  if (v === null || typeof v !== 'object') return v;
  const path = ctx.path;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      out[i] = restore(v[i], ctx);
      path.pop();
    }
    return out;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0].charCodeAt(0) === 36 /* '$' */) {
    switch (keys[0]) {
      case '$ref':
        if (o.$ref === 'recipe') return ctx.recipe();
        break;
      case '$model':
        if (!ctx.model) throw new JournalReplayError(`call ${ctx.n}: ${pathOf(path)} references a model, and the journal names none`);
        return ctx.model;
      case '$number':
        return Number(o.$number);
      case '$bigint':
        return BigInt(o.$bigint as string);
    }
    throw new JournalReplayError(`call ${ctx.n}: ${pathOf(path)} holds a reference (${keys[0]}) to a live object a journal cannot restore`);
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    path.push(k);
    const v = restore(o[k], ctx);
    if (k === '__proto__') setOwn(out, k, v);
    else out[k] = v;
    path.pop();
  }
  return out;
}

/** Turns a stored call back into a live one: `$ref: recipe` → the recipe, `$model` → the replay's model. */
export function liveCall(c: JournalCall, n: number, recipe: () => RecipeInput | null, model: Model | null, override?: () => RecipeInput): LifecycleCall {
  const ctx: RestoreContext = { n, recipe, model, path: ['options'] };
  switch (c.call) {
    case 'initialize': {
      // A replay-supplied recipe stands for whatever the journal holds there (modifier instances are references).
      const options: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(c.options)) {
        ctx.path.push(k);
        options[k] = k === 'recipe' && override && v !== null ? override() : restore(v, ctx);
        ctx.path.pop();
      }
      return { call: 'initialize', options };
    }
    case 'event':
      return { call: 'event', type: c.type as never, options: restore(c.options, ctx) as Record<string, unknown> };
    case 'finalize':
      return { call: 'finalize', options: restore(c.options, ctx) as Record<string, unknown> };
    case 'reset':
      return { call: 'reset' };
    default:
      throw new JournalReplayError(`call ${n}: unknown call ${JSON.stringify((c as { call: unknown }).call)}`);
  }
}
