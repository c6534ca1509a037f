/** Named errors of the journal: each says where (record number, byte offset, tensor, call) and why. */
import { RuntimeError, ValueError } from '../core/errors.ts';

/** Where a journal stops being intact. Records count from 0 (the header); a run record holds several calls, any other call record one. */
export interface Damage {
  record: number;
  offset: number;
  reason: string;
}

/** Damage as every message names it: `record R (byte offset O): reason`. */
export const describeDamage = (d: Damage): string => `record ${d.record} (byte offset ${d.offset}): ${d.reason}`;

/** The journal is damaged, truncated, or of an unknown format/version (CLI exit 2). */
export class JournalDamageError extends ValueError {
  constructor(readonly source: string, readonly damage: Damage) {
    super(`${source}: damaged journal at ${describeDamage(damage)}`);
  }
}

/** The model given to a replay is not the one the journal was recorded with. */
export class JournalModelError extends ValueError {}

/** A replay cannot rebuild a call (a live object the journal only references, an unknown call). */
export class JournalReplayError extends RuntimeError {}

/**
 * What stops a referenced journal (a header's `model.journal`) from giving its final model: it cannot be
 * found or read, it is damaged, it is not the journal the header names (another closing hash), or its
 * replay diverges. The CLI exits 1 for `diverged` (as for any divergence) and 2 for the others.
 */
export type ReferenceProblem = 'unreadable' | 'damaged' | 'different' | 'diverged';

/** The journal `journal` starts from the final model of `referenced`, which cannot give it (see {@link ReferenceProblem}). */
export class ReferencedJournalError extends ValueError {
  constructor(readonly journal: string, readonly referenced: string, readonly problem: ReferenceProblem, detail: string) {
    super(`${journal}: its model is the final model of journal ${referenced}, which ${detail}`);
  }
}
