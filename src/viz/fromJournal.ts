/**
 * Records for a timeline from a journal (`run --log`): the journal is read (a damaged one is refused
 * with the journal's named error), its calls replayed into records, and the schedule taken from its
 * header (recipe text, fidelity, epochs, steps per epoch) and the records. The model's sparsity is not
 * re-measured; the pruning effects in the records still give each modifier's.
 */
import { journalRecords, readWholeJournal, type ReplayOptions } from '../log/index.ts';
import type { RecordedRun } from './fromRecipe.ts';
import { scheduleFromRecords } from './scheduleFromRecords.ts';

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

export function recordJournalRun(file: string, options: Pick<ReplayOptions, 'model'> = {}): RecordedRun {
  const journal = readWholeJournal(file);
  const records = journalRecords(journal, options);
  const h = journal.header;
  const schedule = scheduleFromRecords(records, { fidelity: h.fidelity, epochs: count(h.settings.epochs), recipe: h.recipe });
  return { records, schedule, modelSparsity: null, stoppedBy: null };
}
