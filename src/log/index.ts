/**
 * The journal (docs/journal-format.md): a self-contained, checksummed log of a run's calls that
 * replays exactly, answers "what was the state after call n", compares two runs and locates damage.
 *
 * Contracts other layers use:
 * - `toJsonValue(value)` / `serializeRecord(record)`: the one way live objects (models, tensors,
 *   modules, State, modifiers) leave the process — as references with SHA-256 hashes.
 * - `recordTo(lifecycle, path | sink, header, { force })`: records a lifecycle's calls; `close()` ends it.
 * - `writeJournal(path | sink, header, calls)`: runs calls on a fresh lifecycle and records them.
 * - `journalReference(file, dir)`: a header's `model: { journal, model }` — the final model of another journal,
 *   which a replay rebuilds by replaying that journal first (`ReferencedJournalError` when it cannot).
 * - `readJournal(path | bytes)`: header, intact calls, closing record, damage (record, byte offset, reason).
 * - `replayJournal(journal, options)`: match, or the first divergence. `journalRecords(journal)`: the
 *   re-derived `LifecycleRecord[]`. `stateAt(journal, n, { snapshots })`, `Timeline`. `diffJournals(a, b)`.
 * - `SnapshotCache` + `readSnapshotFile` / `writeSnapshotFile(snapshotPath(journal))`: the on-disk
 *   snapshots `stateAt` starts from (a cache, checked against the journal on use).
 */
export { toJsonValue, serializeRecord } from './serialize.ts';
export { modelSha256 } from './modelHash.ts';
export { type CallEntry, type JournalHeader } from './format.ts';
export { type HeaderInput, type HeaderModel } from './header.ts';
export { recordTo, writeJournal, memorySink, type Recorder, type DriverCall } from './writer.ts';
export { readJournal, readWholeJournal, type Journal } from './reader.ts';
export {
  replayJournal,
  journalRecords,
  type ReplayOptions,
  type ReplayResult,
  type Divergence,
  type EffectDifference,
} from './replay.ts';
export { liveCall } from './liveCall.ts';
export { stateAt, Timeline, type StateSummary } from './timeTravel.ts';
export { SnapshotCache } from './snapshotCache.ts';
export { readSnapshotFile, writeSnapshotFile, snapshotPath } from './snapshotFile.ts';
export { diffJournals, type JournalDiff } from './diff.ts';
export { describeDamage, JournalDamageError, JournalModelError, JournalReplayError, ReferencedJournalError } from './errors.ts';
export { journalReference } from './journalSource.ts';
export { trainingDriverCalls, recordOneshot } from './drivers.ts';
