/**
 * The snapshots `stateAt` may start from and adds to, with what a reader should be told about them
 * (`notes`: an unusable, stale or damaged snapshot is ignored and says why; the caller prints them on
 * stderr). Loading a file and saving it back are the caller's (snapshotFile.ts), so the cache also
 * serves journals that are not files.
 */
import type { Journal } from './reader.ts';
import type { ReplayOptions } from './replay.ts';
import { prefixKeys, restoreSnapshot, type Restored, type Snapshot } from './snapshot.ts';

/** Snapshot spacing for a journal of `calls` calls: about 16 points across it. */
export const snapshotEvery = (calls: number): number => Math.max(1, Math.ceil(calls / 16));

export class SnapshotCache {
  readonly notes: string[] = [];
  /** True when a snapshot was added or dropped: the file is worth writing again. */
  changed = false;
  #snapshots: Snapshot[];

  /** `loaded`: a file's snapshots, or why the file could not be used (noted; it is rebuilt). */
  constructor(loaded: Snapshot[] | string | null = null, where = 'the snapshot file') {
    if (typeof loaded === 'string') {
      this.notes.push(`${where} ignored: ${loaded}; rebuilding it`);
      this.changed = true;
    }
    this.#snapshots = Array.isArray(loaded) ? loaded : [];
  }

  get snapshots(): readonly Snapshot[] {
    return this.#snapshots;
  }

  /**
   * The latest snapshot before call `n` that belongs to this journal and restores, restored; stale or
   * unrestorable ones are dropped with a note.
   */
  restoreBefore(journal: Journal, n: number, options: Pick<ReplayOptions, 'model' | 'recipe'>): { snapshot: Snapshot; restored: Restored } | null {
    const candidates = this.#snapshots.filter((s) => s.call < n && s.call <= journal.calls.length).sort((a, b) => b.call - a.call);
    if (!candidates.length) return null;
    const keys = prefixKeys(journal, candidates.map((s) => s.call));
    for (const s of candidates) {
      const why = keys.get(s.call) !== s.prefix ? `the journal's first ${s.call} calls are not the ones it was taken from (stale)` : null;
      const restored = why ?? restoreSnapshot(journal, s, options);
      if (typeof restored !== 'string') return { snapshot: s, restored };
      this.notes.push(`snapshot at call ${s.call} ignored: ${restored}; re-executing instead`);
      this.#drop(s);
    }
    return null;
  }

  /** Drops a snapshot that turned out wrong, saying why. */
  forget(s: Snapshot, why: string): void {
    this.notes.push(`snapshot at call ${s.call} ignored: ${why}; dropped`);
    this.#drop(s);
  }

  add(s: Snapshot): void {
    this.#snapshots = [...this.#snapshots.filter((t) => t.call !== s.call), s];
    this.changed = true;
  }

  #drop(s: Snapshot): void {
    this.#snapshots = this.#snapshots.filter((t) => t !== s);
    this.changed = true;
  }
}
