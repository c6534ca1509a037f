/**
 * The journal's on-disk form (docs/journal-format.md). Version 3, written today, is binary: the
 * magic bytes, then records framed as `[varint length][payload][CRC-32]`, each CRC chained from the
 * previous record's, so an edit, a deletion, a swap or a cut is caught at the first record it
 * touches. Record 0 is the header (JSON); then each record holds one call, or a run of calls that
 * repeat their code's prediction (src/log/prediction.ts), one byte each; the last record closes the
 * journal with the SHA-256 of every byte before it. Version 2 (no runs) reads as it is; version 1
 * (JSON Lines) is read by readerV1.ts.
 */
import { EventType } from '../core/events.ts';
import type { Fidelity } from '../core/fidelity.ts';
import type { Effects } from './effects.ts';
import type { Damage } from './errors.ts';
import type { JsonValue } from './serialize.ts';
import type { CalibrationCall } from '../sim/pipelines/calls.ts';

/**
 * Whether a call may change the weights, so its entry carries the model's hash after it: `kind` is the call
 * (`event` for an event, whose `eventType` then decides). Other calls change weights only through a modifier's
 * domain effect, which marks its call as it arrives.
 */
export function mayChangeWeights(kind: string, eventType: string | null): boolean {
  return kind === 'initialize' || kind === 'finalize' || kind === 'reset' || kind === 'optimizerStep' || (kind === 'event' && eventType === EventType.OPTIM_POST_STEP);
}

export const FORMAT_NAME = 'llmc-sim-journal';
export const FORMAT_VERSION = 3;
export const LLMC_SIM_VERSION = '0.1.0';

/** The first bytes of a binary journal: a non-ASCII byte (no text tool takes it for text), the name, CR LF and SUB (a newline-mangling copy breaks it). */
export const MAGIC = Uint8Array.from([0x89, 0x4c, 0x4c, 0x4f, 0x47, 0x0d, 0x0a, 0x1a]); // \x89 L L O G \r \n \x1a

/** The first payload byte of a record. */
export const RECORD_HEADER = 0;
/** A call to `event` with an event type the format has a code for: stored in fields. */
export const RECORD_EVENT = 1;
/** Any other call (initialize, finalize, reset, optimizerStep, and any later kind): stored as JSON. */
export const RECORD_CALL = 2;
export const RECORD_END = 3;
/** Version 3: event calls that are each their code's prediction (src/log/prediction.ts), one code byte per call. */
export const RECORD_RUN = 4;

/** Flags of an event record. */
export const EVENT_MODEL = 1;
export const EVENT_SAME_EFFECTS = 2;
export const EVENT_STEP_GIVEN = 4;
export const EVENT_NO_STEP = 8;
export const EVENT_JSON_OPTIONS = 16;

/** The content hashes every model identity carries: a replay refuses a model whose tensors differ, naming the first. */
interface ModelHashes {
  sha256: string;
  tensors: Record<string, string>;
}

/** A model built in or loaded from a file. */
export interface BuiltModelIdentity extends ModelHashes {
  /** `synthetic` (rebuilt from `seed`) or the file name the model was loaded from (never its directory). */
  source: string;
  /** For `synthetic`: the options that rebuild it. */
  options?: { [key: string]: JsonValue };
}

/**
 * Another journal, whose final model this journal starts from (the tour's one-shot stage runs on the model its
 * training journal ends with): `file` relative to this journal's directory, and that journal's call count and
 * closing SHA-256 (of every byte before its closing record), so a re-recorded or edited file is refused by name.
 */
export interface JournalReference {
  file: string;
  calls: number;
  sha256: string;
}

export interface JournalModelIdentity extends ModelHashes {
  source: 'journal';
  journal: JournalReference;
}

/** The model a journal was recorded with: where it came from and a SHA-256 per tensor. */
export type ModelIdentity = BuiltModelIdentity | JournalModelIdentity;

/** Whether the identity names another journal's final model (told by its reference, not by `source`, which a file may share). */
export const isJournalModel = (id: ModelIdentity): id is JournalModelIdentity => 'journal' in id && typeof id.journal === 'object' && id.journal !== null;

export interface JournalHeader {
  journal: typeof FORMAT_NAME;
  version: number;
  llmcSim: string;
  fidelity: Fidelity;
  seed: number;
  /** The recipe text as resolved (YAML/JSON), or null when the run had none or it is not expressible. */
  recipe: string | null;
  /** Simulator settings (driver, epochs, steps per epoch, …): what a reader needs to know how the calls came about. */
  settings: { [key: string]: JsonValue };
  model: ModelIdentity | null;
}

/** A call as data: the lifecycle calls, plus the simulated optimizer's step (it changes weights). */
export type JournalCall =
  | { call: 'initialize'; options: { [key: string]: JsonValue } }
  | { call: 'event'; type: string; options: { [key: string]: JsonValue } }
  | { call: 'finalize'; options: { [key: string]: JsonValue } }
  | { call: 'reset' }
  | { call: 'optimizerStep'; globalStep: number; lr: number }
  /** A one-shot pipeline's step between lifecycle calls (src/sim/pipelines/calls.ts). */
  | CalibrationCall;

/**
 * Record n: the call, a digest of its effects and their count, and the model's SHA-256 after it where
 * it may change weights. From version 2 the effects themselves (`fx`) and an accepted event's
 * resolved global step (`s`) are stored; `e` is then derived from them.
 */
export interface CallEntry {
  n: number;
  c: JournalCall;
  e: string;
  x: number;
  m?: string;
  fx?: Effects;
  s?: number;
}

export interface EndEntry {
  end: number;
  sha256: string;
}

/** A journal as read: header, intact calls, closing record, and where it stops being intact. */
export interface Journal {
  /** A path, or `<bytes>`. */
  source: string;
  header: JournalHeader;
  /** The intact calls, in order (call n at index n − 1). */
  calls: CallEntry[];
  end: EndEntry | null;
  /** Null when the journal is whole. */
  damage: Damage | null;
  /** Records (whole or torn) from the damage to the end of the file: what `--recover` drops. */
  dropped: number;
  bytes: number;
  /** The version the file was written in (its header is upcast to the current one). */
  storedVersion: number;
}
