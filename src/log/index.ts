/**
 * The journal (docs/journal-format.md): a self-contained, checksummed log of a run's calls that
 * replays exactly, answers "what was the state after call n", compares two runs and locates damage.
 *
 * Contracts other layers use:
 * - `toJsonValue(value)` / `serializeRecord(record)`: the one way live objects (models, tensors,
 *   modules, State, modifiers) leave the process — as references with SHA-256 hashes.
 * - `recordTo(lifecycle, path | sink, header, { force })`: records a lifecycle's calls; `close()` ends it.
 * - `writeJournal(path | sink, header, calls)`: runs calls on a fresh lifecycle and records them.
 * - `readJournal(path | bytes)`: header, intact calls, closing record, damage (record, byte offset, reason).
 * - `replayJournal(journal, options)`: match, or the first divergence. `journalRecords(journal)`: the
 *   re-derived `LifecycleRecord[]`. `stateAt(journal, n)`, `Timeline`. `diffJournals(a, b)`.
 */
export { toJsonValue, serializeRecord, type JsonValue } from './serialize.ts';
export { modelSha256, tensorHashes, tensorSha256, namedTensors } from './modelHash.ts';
export { FORMAT_NAME, FORMAT_VERSION, type CallEntry, type EndEntry, type JournalCall, type JournalHeader, type ModelIdentity } from './format.ts';
export { makeHeader, modelIdentity, type HeaderInput } from './header.ts';
export { recordTo, writeJournal, memorySink, toJournalCall, type Recorder, type RecordOptions, type JournalSink, type DriverCall, type OptimizerStepCall } from './writer.ts';
export { readJournal, readWholeJournal, type Journal } from './reader.ts';
export { replayJournal, journalRecords, replayModel, liveCall, type ReplayOptions, type ReplayResult, type Divergence } from './replay.ts';
export { stateAt, summarize, Timeline, type StateAt, type StateSummary, type ModifierSummary } from './timeTravel.ts';
export { diffJournals, type JournalDiff, type FirstDifference, type HeaderDifference } from './diff.ts';
export { JournalDamageError, JournalModelError, JournalReplayError, type Damage } from './errors.ts';
export { foldRecord } from './callRecorder.ts';
export { trainingDriverCalls } from './drivers.ts';
