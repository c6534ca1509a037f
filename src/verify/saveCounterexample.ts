/**
 * Counterexamples are journals (docs/journal-format.md): the probes' recipe text, the fidelity and the calls, with
 * each call's effect digest, so `llmc-sim replay` re-runs one, `llmc-sim timeline` draws it and `llmc-sim log show`
 * lists its records. The broken property's name is in the header's settings (`driver: 'verify'`).
 */
import { ValueError } from '../core/errors.ts';
import type { LifecycleCall } from '../lifecycle/calls.ts';
import { JournalDamageError, liveCall, readJournal, writeJournal } from '../log/index.ts';
import type { Counterexample } from './counterexample.ts';

/** Writes `cx` as a journal at `path` (`-` is stdout); an existing file is refused unless `force`. */
export function saveCounterexample(path: string, cx: Counterexample, options: { force?: boolean } = {}): void {
  writeJournal(path, { fidelity: cx.fidelity, seed: cx.seed, recipe: cx.recipeText, settings: { driver: 'verify', property: cx.property } }, cx.calls, options);
}

/** A journal that is not a counterexample `saveCounterexample` wrote. */
export class CounterexampleFileError extends ValueError {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

/** Reads a counterexample journal back; a damaged one is refused with the journal's own damage report. */
export function loadCounterexample(path: string): Counterexample {
  const journal = readJournal(path);
  if (journal.damage) throw new JournalDamageError(journal.source, journal.damage);
  const { header } = journal;
  const property = header.settings.property;
  if (header.settings.driver !== 'verify' || typeof property !== 'string') {
    throw new CounterexampleFileError(path, "not a counterexample: its header's settings name no 'verify' driver and property");
  }
  const recipeText = header.recipe;
  if (recipeText === null) throw new CounterexampleFileError(path, 'the journal carries no recipe text');
  const calls: LifecycleCall[] = journal.calls.map((entry) => liveCall(entry.c, entry.n, () => recipeText, null));
  return { property, recipeText, fidelity: header.fidelity, seed: header.seed, calls };
}
