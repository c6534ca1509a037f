/**
 * Turns a lifecycle's `records$` into journal entries, one per call: the call as data, a digest of
 * the records it caused, and the model's hash after calls that may change weights. Recording and
 * replay both use this class, so a replay re-derives entries exactly as the recording did and
 * compares them; record → replay → record is byte-identical by construction.
 */
import type { Subscription } from 'rxjs';
import type { LifecycleRecord } from '../core/records.ts';
import type { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { Model } from '../model/model.ts';
import { mayChangeWeights, type CallEntry, type JournalCall } from './format.ts';
import { isScalar } from './bytes.ts';
import { hex8 } from './crc32.ts';
import { modelSha256 } from './modelHash.ts';
import { toJsonValue, type JsonValue } from './serialize.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over a string's UTF-16 code units. */
function stringHash(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** Names recur on every record (types, hooks, event types, classes): hashed once. */
const NAMES = new Map<string, number>();
function nameHash(s: string | null): number {
  if (s === null) return 0;
  let h = NAMES.get(s);
  if (h === undefined) {
    h = stringHash(s);
    if (NAMES.size < 4096) NAMES.set(s, h);
  }
  return h;
}

/** One 32-bit word into the running digest (FNV-1a over words). */
const mix = (h: number, v: number) => Math.imul(h ^ v, FNV_PRIME) >>> 0;

/** The frequent record types' name hashes, as constants (the same values `nameHash` gives). */
const TYPE_EVENT = stringHash('call.event');
const TYPE_REJECTED = stringHash('call.rejected');
const TYPE_HOOK = stringHash('effect.hook');
const TYPE_TRANSITION = stringHash('effect.transition');
const TYPE_MODIFIER = stringHash('effect.modifier');
const TYPE_WARNING = stringHash('effect.warning');
const TYPE_ERROR = stringHash('effect.error');

/**
 * Folds the part of a record a digest covers (everything but `seq`, which only counts) into `h`,
 * field by field: no string is built for the records every event causes.
 */
export function foldRecord(h: number, r: LifecycleRecord): number {
  switch (r.type) {
    case 'call.event':
      return mix(mix(mix(h, TYPE_EVENT), nameHash(r.eventType)), stringHash(String(r.globalStep)));
    case 'call.initialize':
    case 'call.finalize':
    case 'call.reset':
      return mix(h, nameHash(r.type));
    case 'call.rejected':
      return mix(mix(mix(mix(mix(mix(h, TYPE_REJECTED), nameHash(r.call)), nameHash(r.eventType)), nameHash(r.error.name)), nameHash(r.error.code)), stringHash(r.error.message));
    case 'effect.hook':
      return mix(mix(mix(mix(mix(h, TYPE_HOOK), r.position), nameHash(r.modifierType)), nameHash(r.hook)), nameHash(r.eventType));
    case 'effect.transition':
      return mix(mix(mix(mix(mix(h, TYPE_TRANSITION), r.position), nameHash(r.flag)), nameHash(r.from)), nameHash(r.to));
    case 'effect.modifier':
      return mix(mix(mix(mix(h, TYPE_MODIFIER), r.position), nameHash(r.kind)), stringHash(JSON.stringify(toJsonValue(r.data))));
    case 'effect.warning':
      return mix(mix(mix(mix(h, TYPE_WARNING), nameHash(r.code)), stringHash(r.message)), r.modifier ? r.modifier.position + 1 : 0);
    case 'effect.error':
      return mix(mix(mix(mix(mix(h, TYPE_ERROR), nameHash(r.call)), nameHash(r.error.name)), nameHash(r.error.code)), stringHash(r.error.message));
  }
}

/**
 * What `toJsonValue` makes of the options every event passes (a plain object of finite numbers,
 * strings, booleans and nulls: a copy), without its walk, except that −0 stays a number (options are
 * stored field by field, where it is a float64); null for anything else.
 */
function scalarOptions(o: Record<string, unknown>): { [k: string]: JsonValue } | null {
  if (Object.getPrototypeOf(o) !== Object.prototype || 'className' in o) return null;
  const out: { [k: string]: JsonValue } = {};
  for (const k in o) {
    const v = o[k];
    if (k !== '__proto__' && isScalar(v)) out[k] = v as JsonValue;
    else return null; // toJsonValue keeps an own __proto__ key
  }
  return out;
}

/** Call options as a journal stores them: through `toJsonValue`, the recipe as `{ "$ref": "recipe" }` when the header holds its text. */
export function journalOptions(o: Record<string, unknown>, recipeRef: boolean): { [k: string]: JsonValue } {
  const json = scalarOptions(o) ?? (toJsonValue(o) as { [k: string]: JsonValue });
  if (recipeRef && json.recipe != null) json.recipe = { $ref: 'recipe' };
  return json;
}

/** A call as the journal stores it (options through `toJsonValue`; the recipe as a reference to the header's text). */
export function callOf(r: LifecycleRecord, recipeRef: boolean): JournalCall {
  switch (r.type) {
    case 'call.initialize':
      return { call: 'initialize', options: journalOptions(r.options, recipeRef) };
    case 'call.event':
      return { call: 'event', type: r.eventType, options: journalOptions(r.options, recipeRef) };
    case 'call.finalize':
      return { call: 'finalize', options: journalOptions(r.options, recipeRef) };
    case 'call.reset':
      return { call: 'reset' };
    case 'call.rejected':
      // A refused call's options are not in its record; the refusal itself is in the digest.
      if (r.call === 'event') return { call: 'event', type: r.eventType ?? 'unknown', options: {} };
      if (r.call === 'reset') return { call: 'reset' };
      return { call: r.call, options: {} };
    default:
      throw new Error(`not a call record: ${r.type}`);
  }
}

interface Pending {
  c: JournalCall;
  h: number;
  x: number;
  weights: boolean;
  records: LifecycleRecord[] | null;
}

export interface CallRecorderOptions {
  /** Store the initialize call's recipe as `{ "$ref": "recipe" }` (the header holds its text). */
  recipeRef: boolean;
  /** The model whose hash follows weight-changing calls; an initialize call's `model` replaces it. */
  model: Model | null;
  onEntry: (entry: CallEntry, records: LifecycleRecord[] | null) => void;
  /** Keep each call's records for `onEntry` (for `log show` and `--to`). */
  keepRecords?: boolean;
}

export class CallRecorder {
  readonly #options: CallRecorderOptions;
  readonly #sub: Subscription;
  #model: Model | null;
  #pending: Pending | null = null;
  /** Records that arrived between calls (a driver's warning): they count toward the next call. */
  #carry = { h: FNV_OFFSET, x: 0, records: [] as LifecycleRecord[] };
  #hint: JournalCall | null = null;
  #n = 0;

  constructor(lifecycle: CompressionLifecycle, options: CallRecorderOptions) {
    this.#options = options;
    this.#model = options.model;
    this.#sub = lifecycle.records$.subscribe((r) => this.#onRecord(r));
  }

  /** Calls committed so far. */
  get calls(): number {
    return this.#n;
  }

  /** The call about to be applied, as the driver knows it (exact options even when the lifecycle refuses it). */
  expect(call: JournalCall): void {
    this.#hint = call;
  }

  /** The simulated optimizer has just nudged the weights at `globalStep`. */
  optimizerStep(globalStep: number, lr: number): void {
    this.commit();
    this.#start({ call: 'optimizerStep', globalStep, lr });
    this.#pending!.weights = true;
    this.commit();
  }

  /**
   * A driver's call has returned: record it, with an empty digest if the lifecycle threw before
   * publishing anything (an unknown event type, options that are not an object).
   */
  endCall(): void {
    if (this.#hint) {
      this.commit();
      this.#start(this.#hint);
      this.#hint = null;
    }
    this.commit();
  }

  /** Ends the pending call (its effects are complete once the lifecycle method returned). */
  commit(): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = null;
    const entry: CallEntry = { n: ++this.#n, c: p.c, e: hex8(p.h), x: p.x };
    if (p.weights && this.#model) entry.m = modelSha256(this.#model);
    this.#options.onEntry(entry, p.records);
  }

  close(): void {
    this.commit();
    this.#sub.unsubscribe();
  }

  #start(c: JournalCall): void {
    const carry = this.#carry;
    const keep = this.#options.keepRecords === true;
    this.#pending = {
      c,
      h: carry.h,
      x: carry.x,
      weights: mayChangeWeights(c.call, (c as { type?: string }).type ?? null),
      records: keep ? carry.records : null,
    };
    // Emptied in place: a call would otherwise allocate a new carry (and its array) for nothing.
    carry.h = FNV_OFFSET;
    carry.x = 0;
    if (keep) carry.records = [];
  }

  #onRecord(r: LifecycleRecord): void {
    if (r.type.charCodeAt(0) === 99 /* 'c': call.* */) {
      this.commit();
      const c = this.#hint ?? callOf(r, this.#options.recipeRef);
      this.#hint = null;
      if (r.type === 'call.initialize' && r.options.model instanceof Model) this.#model = r.options.model;
      this.#start(c);
    }
    const target = this.#pending ?? this.#carry;
    target.h = foldRecord(target.h, r);
    target.x++;
    if (r.type === 'effect.modifier' && this.#pending) this.#pending.weights = true;
    if (this.#options.keepRecords) (this.#pending ? this.#pending.records! : this.#carry.records).push(r);
  }
}
