/**
 * The journal's on-disk form (docs/journal-format.md): JSON Lines, one record per line. Record 0 is
 * the header, record n (n ≥ 1) is call n, the last record closes the journal. Every line ends with
 * `,"k":"<crc32>"}` where the CRC covers the line's bytes before that suffix, chained from the
 * previous line's CRC, so an edit, a deletion, a swap or a cut is caught at the first record it
 * touches. The closing record carries the SHA-256 of every byte before it.
 */
import type { Fidelity } from '../core/fidelity.ts';
import { crc32, crc32Ascii, hex8 } from './crc32.ts';
import type { JsonValue } from './serialize.ts';
import type { CalibrationCall } from '../sim/pipelines/calls.ts';

export const FORMAT_NAME = 'llmc-sim-journal';
export const FORMAT_VERSION = 1;
export const LLMC_SIM_VERSION = '0.1.0';

/** The model a journal was recorded with: where it came from and a SHA-256 per tensor. */
export interface ModelIdentity {
  /** `synthetic` (rebuilt from `seed`) or the file name the model was loaded from (never its directory). */
  source: string;
  /** For `synthetic`: the options that rebuild it. */
  options?: { [key: string]: JsonValue };
  sha256: string;
  tensors: Record<string, string>;
}

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

/** Record n: the call, a digest of its effects and their count, and the model's SHA-256 after it where it may change weights. */
export interface CallEntry {
  n: number;
  c: JournalCall;
  e: string;
  x: number;
  m?: string;
}

export interface EndEntry {
  end: number;
  sha256: string;
}

const encoder = new TextEncoder();
export const SUFFIX_LENGTH = ',"k":"00000000"}'.length;

/** One line (with its `\n`): the JSON body with its chained CRC appended, and the new chain value. */
export function encodeLine(value: object, previous: number): { line: string; k: number } {
  return encodeJsonLine(JSON.stringify(value), previous);
}

/**
 * `encodeLine` of a call entry, spelled out: the same bytes as `JSON.stringify(entry)` (keys n, c,
 * e, x, m in that order; n and x integers, e and m hex), one nested stringify per call instead of two.
 */
export function encodeEntryLine(e: CallEntry, previous: number): { line: string; k: number } {
  const m = e.m === undefined ? '' : ',"m":"' + e.m + '"';
  return encodeJsonLine('{"n":' + e.n + ',"c":' + JSON.stringify(e.c) + ',"e":"' + e.e + '","x":' + e.x + m + '}', previous);
}

function encodeJsonLine(json: string, previous: number): { line: string; k: number } {
  const end = json.length - 1;
  const body = json.slice(0, end);
  let k = crc32Ascii(json, end, previous);
  if (k < 0) {
    const bytes = encoder.encode(body);
    k = crc32(bytes, 0, bytes.length, previous);
  }
  return { line: body + ',"k":"' + hex8(k) + '"}\n', k };
}
