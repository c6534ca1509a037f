/**
 * The journal's recording tap (`lifecycle.attachTap`): turns what a lifecycle publishes into calls
 * and their effects as words (src/log/effects.ts), with no record object for the hooks and
 * transitions every event causes. Recording and replay both use it, so a replay derives each call's
 * effects exactly as the recording did; record → replay → record is byte-identical by construction.
 */
import { EventType } from '../core/events.ts';
import type { EffectSink, HookName, LifecycleRecord, ModifierRef, RecordingTap } from '../core/records.ts';
import { record } from '../core/records.ts';
import type { ModifierPhase } from '../../machines/modifier.machine.ts';
import type { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { Model } from '../model/model.ts';
import { callOf } from './callRecorder.ts';
import { callWord, eventCode, genericJson, genericWord, hookCode, hookWord, MAX_POSITION, transitionWord } from './effects.ts';
import { mayChangeWeights, type JournalCall } from './format.ts';
import { modelSha256 } from './modelHash.ts';

/** A call the tap has seen, as it is about to be committed (reused: copy what you keep). */
export interface TapCall {
  /** The call as the journal stores it, when known as data (a driver's hint, or a rare call); null for an event seen live. */
  call: JournalCall | null;
  /** For an event seen live: its type and the options it was given (live objects: serialize before keeping). */
  type: string;
  /** The format's code for `type` (src/log/effects.ts), or -1. */
  code: number;
  options: Record<string, unknown> | null;
  /** The lifecycle's global step after an accepted event (its call record's), else undefined. */
  step: number | undefined;
  /** The call's effects: `words[0..count)`, and the generic records' JSON. */
  words: Int32Array;
  count: number;
  generic: string[];
  /** The model's SHA-256 after a call that may change weights. */
  m: string | undefined;
}

export interface CallTapOptions {
  /** Store the initialize call's recipe as `{ "$ref": "recipe" }` (the header holds its text). */
  recipeRef: boolean;
  /** The model whose hash follows weight-changing calls; an initialize call's `model` replaces it. */
  model: Model | null;
  onCall: (call: TapCall) => void;
}

const CALL_CODES: Record<string, number> = { initialize: 0, event: 1, finalize: 2, reset: 3 };

export class CallTap implements RecordingTap {
  readonly #options: CallTapOptions;
  readonly #detach: () => void;
  #model: Model | null;
  /** The words since the last commit: a carry (records between calls) and then the pending call's. */
  words = new Int32Array(256);
  count = 0;
  #generic: string[] = [];
  #pending = false;
  #weights = false;
  #hint: JournalCall | null = null;
  readonly #current: TapCall = { call: null, type: '', code: -1, options: null, step: undefined, words: this.words, count: 0, generic: [], m: undefined };
  #n = 0;
  /** The event type of the call record seen last and its code: hooks name it, compared by reference. */
  lastType: string | null = null;
  lastCode = 0;

  constructor(lifecycle: CompressionLifecycle, options: CallTapOptions) {
    this.#options = options;
    this.#model = options.model;
    this.#detach = lifecycle.attachTap(this);
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
    this.#start({ call: 'optimizerStep', globalStep, lr }, '', null);
    this.#weights = true;
    this.commit();
  }

  /** A driver's call has returned: record it, with no effects if the lifecycle threw before publishing anything. */
  endCall(): void {
    if (this.#hint) {
      this.commit();
      this.#start(this.#hint, '', null);
      this.#hint = null;
    }
    this.commit();
  }

  /** Ends the pending call (its effects are complete once the lifecycle method returned). */
  commit(): void {
    if (!this.#pending) return;
    this.#pending = false;
    this.#n++;
    const c = this.#current;
    c.words = this.words;
    c.count = this.count;
    c.generic = this.#generic;
    c.m = this.#weights && this.#model ? modelSha256(this.#model) : undefined;
    this.#options.onCall(c);
    this.count = 0;
    if (this.#generic.length) this.#generic = [];
  }

  close(): void {
    this.commit();
    this.#detach();
  }

  push(word: number): void {
    if (this.count === this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    this.words[this.count++] = word;
  }

  pushGeneric(r: LifecycleRecord): void {
    this.#generic.push(genericJson(r));
    this.push(genericWord(this.#generic.length - 1));
    if (r.type === 'effect.modifier' && this.#pending) this.#weights = true;
  }

  #start(call: JournalCall | null, type: string, options: Record<string, unknown> | null): void {
    const c = this.#current;
    c.call = call;
    c.type = type;
    c.code = -1;
    c.options = options;
    c.step = undefined;
    this.#pending = true;
    this.#weights = call ? mayChangeWeights(call.call, (call as { type?: string }).type ?? null) : mayChangeWeights('event', type);
  }

  record(r: LifecycleRecord): void {
    switch (r.type) {
      case 'call.event': {
        this.commit();
        const hint = this.#hint;
        this.#hint = null;
        this.#start(hint, r.eventType, hint ? null : r.options);
        const code = eventCode(r.eventType);
        this.#current.step = r.globalStep;
        this.#current.code = code;
        this.lastType = r.eventType;
        this.lastCode = code;
        this.push(callWord(1, code));
        return;
      }
      case 'call.initialize':
      case 'call.finalize':
      case 'call.reset': {
        this.commit();
        const hint = this.#hint;
        this.#hint = null;
        this.#start(hint ?? callOf(r, this.#options.recipeRef), '', null);
        if (r.type === 'call.initialize' && r.options.model instanceof Model) this.#model = r.options.model;
        this.push(callWord(CALL_CODES[r.type.slice(5)], 0));
        return;
      }
      case 'call.rejected': {
        this.commit();
        const hint = this.#hint;
        this.#hint = null;
        this.#start(hint ?? callOf(r, this.#options.recipeRef), '', null);
        this.pushGeneric(r);
        return;
      }
      default:
        this.pushGeneric(r);
    }
  }

  sink(ref: ModifierRef, records: EffectSink | null): EffectSink {
    return new TapSink(this, ref, records);
  }
}

/** A modifier's reports as words into the tap, forwarded to `records$`'s sink while someone subscribes. */
class TapSink implements EffectSink {
  /** The modifier's position in a word, or -1 when it does not fit one. */
  readonly base: number;
  constructor(
    readonly tap: CallTap,
    readonly ref: ModifierRef,
    readonly next: EffectSink | null,
  ) {
    this.base = ref.position <= MAX_POSITION ? hookWord(ref.position, 0, 0) : -1;
  }
  /** Runs for every hook of every event: the common case is one comparison per name and one store. */
  hook(hook: HookName, eventType: EventType | null): void {
    const tap = this.tap;
    const h = hook === 'onUpdate' ? 2 : hook === 'onEvent' ? 4 : hookCode(hook);
    const e = eventType === tap.lastType ? tap.lastCode : eventCode(eventType);
    const n = tap.count;
    if (h >= 0 && e >= 0 && this.base >= 0 && n < tap.words.length) {
      tap.words[n] = this.base | (h << 4) | (e << 8);
      tap.count = n + 1;
    } else if (h >= 0 && e >= 0 && this.base >= 0) tap.push(this.base | (h << 4) | (e << 8));
    else tap.pushGeneric(record.hook(this.ref, hook, eventType));
    if (this.next !== null) this.next.hook(hook, eventType);
  }
  transition(flag: 'initialized' | 'started' | 'ended' | 'finalized', from: ModifierPhase, to: ModifierPhase): void {
    const w = transitionWord(this.ref.position, flag, from, to);
    if (w >= 0) this.tap.push(w);
    else this.tap.pushGeneric(record.transition(this.ref, flag, from, to));
    if (this.next !== null) this.next.transition(flag, from, to);
  }
  effect(kind: string, data: unknown): void {
    this.tap.pushGeneric(record.modifierEffect(this.ref, kind, data));
    if (this.next !== null) this.next.effect(kind, data);
  }
  warning(message: string): void {
    this.tap.pushGeneric(record.warning(null, message, this.ref));
    if (this.next !== null) this.next.warning(message);
  }
}
