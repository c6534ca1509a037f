/**
 * The schedule facts recovered from records alone (a journal, an NDJSON record file): the run shape
 * from `call.initialize`'s options and the steps seen, the modifiers' start/end/update from the
 * recipe named there when it can still be read. Otherwise the modifiers are known only by the types
 * their records name, with no schedule to flag against.
 */
import type { Fidelity } from '../core/fidelity.ts';
import type { LifecycleRecord } from '../core/records.ts';
import { Recipe } from '../recipe/recipe.ts';
import { scheduleOf, type ModifierSchedule, type RunSchedule } from './schedule.ts';

export interface RecordsScheduleOptions {
  fidelity?: Fidelity;
  /** Run length in epochs when the records end early; default: what the records reached. */
  epochs?: number;
  /** The recipe (path or YAML/JSON text, e.g. a journal header's) when the records' `initialize` does not name one. */
  recipe?: string | null;
}

const positiveOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

function modifiersFromRecords(records: readonly LifecycleRecord[]): ModifierSchedule[] {
  const types: string[] = [];
  for (const r of records) if ('position' in r && typeof r.position === 'number' && 'modifierType' in r) types[r.position] = r.modifierType;
  return Array.from(types, (type, i) => ({ label: `${i}:${(type ?? 'Modifier').replace(/Modifier$/, '')}`, modifierType: type ?? 'Modifier', start: null, end: null, update: null }));
}

export function scheduleFromRecords(records: readonly LifecycleRecord[], options: RecordsScheduleOptions = {}): RunSchedule {
  const init = records.find((r) => r.type === 'call.initialize');
  const o = (init?.type === 'call.initialize' ? init.options : {}) as Record<string, unknown>;
  const stepsPerEpoch = positiveOrNull(o.stepsPerEpoch);
  let lastStep = -1;
  for (const r of records) if (r.type === 'call.event' && r.globalStep > lastStep) lastStep = r.globalStep;
  const epochs = options.epochs ?? Math.ceil((lastStep + 1) / (stepsPerEpoch ?? 1));
  let modifiers: ModifierSchedule[];
  const fidelity = options.fidelity ?? 'default';
  const recorded = modifiersFromRecords(records);
  modifiers = recorded;
  const recipe = options.recipe ?? (typeof o.recipe === 'string' ? o.recipe : null);
  if (recipe !== null) {
    try {
      const fromRecipe = scheduleOf(Recipe.createInstance(recipe, { fidelity }).modifiers);
      // A recipe that changed since the run no longer describes it: the records still say what happened.
      if (fromRecipe.length >= recorded.length && recorded.every((m, i) => m.modifierType === fromRecipe[i].modifierType)) modifiers = fromRecipe;
    } catch {
      // The recipe moved or cannot be read any more: keep what the records say.
    }
  }
  return { modifiers, epochs, stepsPerEpoch, batchesPerStep: positiveOrNull(o.batchesPerStep) ?? 1, fidelity };
}
