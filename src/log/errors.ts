/** Named errors of the journal: each says where (record number, byte offset, tensor, call) and why. */
import { RuntimeError, ValueError } from '../core/errors.ts';

/** Where a journal stops being intact. Records count from 0 (the header); call n is record n. */
export interface Damage {
  record: number;
  offset: number;
  reason: string;
}

/** The journal is damaged, truncated, or of an unknown format/version (CLI exit 2). */
export class JournalDamageError extends ValueError {
  constructor(readonly source: string, readonly damage: Damage) {
    super(`${source}: damaged journal at record ${damage.record} (byte offset ${damage.offset}): ${damage.reason}`);
  }
}

/** The model given to a replay is not the one the journal was recorded with. */
export class JournalModelError extends ValueError {}

/** A replay cannot rebuild a call (a live object the journal only references, an unknown call). */
export class JournalReplayError extends RuntimeError {}
