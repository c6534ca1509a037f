/**
 * The journal's recording tap (`lifecycle.attachTap`): turns what a lifecycle publishes into calls
 * and their effects as words (src/log/effects.ts), with no record object for the hooks and
 * transitions every event causes. Recording and replay both use it, so a replay derives each call's
 * effects exactly as the recording did; record → replay → record is byte-identical by construction.
 */
import { ALL_EVENT_TYPES, EventType } from '../core/events.ts';
import { eventTypeCode } from '../core/order.ts';
import { ON_EVENT_AT, ON_UPDATE_AT, ROUTINE_SINK, type EffectSink, type HookName, type LifecycleRecord, type ModifierRef, type RecordingTap, type RoutineStamps } from '../core/records.ts';
import { record } from '../core/records.ts';
import type { ModifierPhase } from '../../machines/modifier.machine.ts';
import type { CompressionLifecycle } from '../lifecycle/lifecycle.ts';
import { Model } from '../model/model.ts';
import { callOf } from './callRecorder.ts';
import { callWord, eventCode, EVENT_TYPES, genericJson, genericWord, hookCode, hookWord, MAX_POSITION, transitionWord } from './effects.ts';
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
  /**
   * Recording only (`quiet`): the effects equal those of the last event call with the same code that had no
   * generic record, which the tap knows without writing them out; `words[0..count)` is then only their start.
   */
  same: boolean;
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
  /**
   * Read the hooks every event causes (each modifier's `onEvent`, maybe `onUpdate`, in recipe order) from the
   * modifiers' stamps (`RoutineStamps`) instead of a word each, written out only when the call's effects differ
   * from the last call of its code (`TapCall.same`). For recording; a replay compares words and leaves it off.
   */
  quiet?: boolean;
  onCall: (call: TapCall) => void;
}

/** A journal encoder that writes an event call's record as it is made (src/log/encoder.ts). */
export interface DirectEncoder {
  /** Starts the record; false (nothing written) when the call needs `onCall`. */
  beginEvent(code: number, options: Record<string, unknown>, step: number): boolean;
  /** `endEvent(true, …)` without effects or hash, then `beginEvent`: the common step in one call. */
  endSameAndBegin(code: number, options: Record<string, unknown>, step: number): boolean;
  /** Ends it with the call's effects (`same`: see `TapCall.same`) and model hash. */
  endEvent(same: boolean, words: Int32Array, count: number, generic: readonly string[], m: string | undefined): void;
}

const CALL_CODES: Record<string, number> = { initialize: 0, event: 1, finalize: 2, reset: 3 };
const NO_GENERIC: readonly string[] = [];
/** The format's code (src/log/effects.ts) of each `eventTypeCode`. */
const CODE_OF_TYPE = ALL_EVENT_TYPES.map((t) => eventCode(t));
/** Per event code, whether a call of it may change the weights (its entry then carries the model's hash). */
const CHANGES_WEIGHTS = EVENT_TYPES.map((t) => mayChangeWeights('event', t));

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
  readonly #current: TapCall = { call: null, type: '', code: -1, options: null, step: undefined, same: false, words: this.words, count: 0, generic: [], m: undefined };
  /**
   * While `quiet`, the modifiers stamp their routine hooks (`RoutineStamps`): the hooks after the call word are
   * each stamped modifier's `onEvent`, then its `onUpdate` if stamped too, in recipe order; anything else writes
   * them out first (`wake`).
   */
  quiet = false;
  /**
   * A quiet call that something was reported during (`wake`): its modifiers go on stamping, and what they stamp
   * is written before the next report and at commit. Restoring their sinks instead would leave a sink call in
   * every modifier's compiled routine path, which costs the recorded lifecycle more than the journal itself.
   */
  woke = false;
  /** Which stamps of the woken call are written: bit i of each as in `#readStamps`. */
  #writtenEvents = 0;
  #writtenUpdates = 0;
  /** The `quiet` option: whether this tap may read stamps at all. */
  readonly #mayStamp: boolean;
  #sinks: TapSink[] = [];
  #modifiers: readonly RoutineStamps[] = [];
  /** Whether the modifiers' routine sinks are cleared (they stamp). */
  #stamping = false;
  /** The serial of the pending quiet call: what its modifiers stamp. */
  #serial = -1;
  #direct: DirectEncoder | null = null;
  #onBegin: () => void = () => {};
  /** Whether `onBegin` ran since the last `endBurst`. */
  #burst = false;
  /**
   * The pending call is a quiet event call the encoder has begun, and nothing else is known of it yet (the call
   * word and `#current` wait): it ends as the last pure call of its code when nothing is reported during it, else
   * it is filled in when the first report arrives (`#materialize`) and committed as any other call.
   */
  #held = false;
  #heldStep = 0;
  /** Whether the pending call's record was started in the direct encoder. */
  #open = false;
  /** Whether the modifiers may stamp: no sink forwards to `records$`, and their stamps fit two 30-bit masks. */
  #canStamp = false;
  /** Per event code, the masks (`onEvent`, `onUpdate` by modifier) of the last call of that code if it was nothing but stamps, else -1. */
  readonly #lastEvents: number[] = EVENT_TYPES.map(() => -1);
  readonly #lastUpdates: number[] = EVENT_TYPES.map(() => -1);
  /** Whether any of those is not -1. */
  #remembered = false;
  /**
   * Bit c: the last call of event code c was pure, needed no model hash, and nothing has been reported since
   * (no wake, no call that was not quiet, no new sinks): the next pure call of the code needs no reading.
   */
  #armed = 0;
  #n = 0;
  /** The event type of the call record seen last and its code: hooks name it, compared by reference. */
  lastType: string | null = null;
  lastCode = 0;

  constructor(lifecycle: CompressionLifecycle, options: CallTapOptions) {
    this.#options = options;
    this.#mayStamp = options.quiet ?? false;
    this.#model = options.model;
    this.#detach = lifecycle.attachTap(this);
  }

  /**
   * Recording: `encoder` takes most event calls directly, started as the call is made and ended when it
   * returns (`onCall` gets the others); `onBegin` runs each time one starts (to schedule a flush).
   */
  writeTo(encoder: DirectEncoder, onBegin: () => void): void {
    this.commit();
    this.#direct = encoder;
    this.#onBegin = onBegin;
  }

  /** A burst of calls begins: `onBegin` schedules its flush. */
  #beginBurst(): void {
    this.#burst = true;
    this.#onBegin();
  }

  /** The flush `onBegin` scheduled has run: the next call schedules another. */
  endBurst(): void {
    this.#burst = false;
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
    if (this.#held) {
      this.#endHeld();
      return;
    }
    this.#pending = false;
    this.#n++;
    const c = this.#current;
    c.same = false;
    if (this.woke) this.#writeNewStamps();
    this.woke = false;
    if (this.quiet) {
      this.quiet = false;
      const code = c.code;
      // A call of nothing but the call word and stamps, as the last of its code: its effects are that call's.
      const pure = this.count === 1 && this.#generic.length === 0;
      // With nothing reported since the last pure call of this code, every modifier took its routine path in a
      // state it was in then, and the stamps are that call's: which hooks the path calls is a function of the
      // state and the event's kind (test/modifiers/routine.test.ts), and a change of state is reported.
      if (pure && (this.#armed & (1 << code)) !== 0) c.same = true;
      else {
        const { events, updates } = this.#readStamps();
        if (pure && this.#lastEvents[code] === events && this.#lastUpdates[code] === updates) c.same = true;
        else this.#writeStamps(events, updates);
        this.#lastEvents[code] = pure ? events : -1;
        this.#lastUpdates[code] = pure ? updates : -1;
        if (pure && !(CHANGES_WEIGHTS[code] && this.#model !== null)) this.#armed |= 1 << code;
        else this.#armed &= ~(1 << code);
        this.#remembered ||= pure;
      }
    } else {
      this.#armed = 0;
      if (this.#remembered) {
        // Conservative: the encoder's last effects of any code may have changed.
        this.#lastEvents.fill(-1);
        this.#lastUpdates.fill(-1);
        this.#remembered = false;
      }
    }
    const m = this.#weights && this.#model ? modelSha256(this.#model) : undefined;
    if (this.#open) {
      this.#open = false;
      this.#direct!.endEvent(c.same, this.words, this.count, this.#generic, m);
    } else {
      c.words = this.words;
      c.count = this.count;
      c.generic = this.#generic;
      c.m = m;
      this.#options.onCall(c);
    }
    this.count = 0;
    if (this.#generic.length) this.#generic = [];
  }

  close(): void {
    this.commit();
    this.#detach();
  }

  /** Something is about to be reported: what the modifiers have stamped in the pending call is written out first. */
  wake(): void {
    if (this.quiet) {
      if (this.#held) this.#materialize();
      this.quiet = false;
      this.#armed = 0;
      this.woke = true;
      this.#writtenEvents = 0;
      this.#writtenUpdates = 0;
    }
    if (this.woke) this.#writeNewStamps();
  }

  /** The woken call's stamps not written yet, in recipe order. */
  #writeNewStamps(): void {
    const { events, updates } = this.#readStamps();
    this.#writeStamps(events & ~this.#writtenEvents, updates & ~this.#writtenUpdates);
    this.#writtenEvents = events;
    this.#writtenUpdates = updates;
  }

  /** What the modifiers stamped during the pending call: bit i of `events` is modifier i's `onEvent`, of `updates` its `onUpdate`. */
  #readStamps(): { events: number; updates: number } {
    let events = 0;
    let updates = 0;
    const ms = this.#modifiers;
    const serial = this.#serial;
    for (let i = 0; i < ms.length; i++) {
      if (ms[i][ON_EVENT_AT] === serial) events |= 1 << i;
      if (ms[i][ON_UPDATE_AT] === serial) updates |= 1 << i;
    }
    return { events, updates };
  }

  /** `wake`, and no stamps until the next quiet call (a modifier's hooks outside a lifecycle call, or off the base path). */
  reportRoutineHooks(): void {
    this.wake();
    this.woke = false;
    if (this.#stamping) this.#stamp(false);
  }

  /**
   * Clears the modifiers' routine sinks (they stamp) or restores them. Cleared from one quiet call to the next,
   * restored for any other call.
   */
  #stamp(on: boolean): void {
    this.#stamping = on;
    const ms = this.#modifiers;
    for (let i = 0; i < ms.length; i++) ms[i][ROUTINE_SINK] = on ? null : this.#sinks[i];
  }

  /**
   * Stamps as words: each modifier's `onEvent`, then its `onUpdate`, where stamped, in recipe order (masks as
   * `#readStamps` gives them, or the part of them not written yet).
   */
  #writeStamps(events: number, updates: number): void {
    const e = this.lastCode;
    const sinks = this.#sinks;
    for (let i = 0; i < sinks.length; i++) {
      if ((events & (1 << i)) !== 0) this.push(sinks[i].base | (4 << 4) | (e << 8));
      if ((updates & (1 << i)) !== 0) this.push(sinks[i].base | (2 << 4) | (e << 8));
    }
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
    this.wake();
    this.#generic.push(genericJson(r));
    this.push(genericWord(this.#generic.length - 1));
    if (r.type === 'effect.modifier' && this.#pending) this.#weights = true;
  }

  /** Starts the pending call; its modifiers stamp their routine hooks when `stamp` (a quiet event call), else report them. */
  #start(call: JournalCall | null, type: string, options: Record<string, unknown> | null, stamp = false): void {
    const c = this.#current;
    c.call = call;
    c.type = type;
    c.code = -1;
    c.options = options;
    c.step = undefined;
    this.#pending = true;
    if (this.#stamping !== stamp) this.#stamp(stamp);
    this.#weights = call ? mayChangeWeights(call.call, (call as { type?: string }).type ?? null) : mayChangeWeights('event', type);
  }

  event(eventType: EventType, typeCode: number, globalStep: number, options: Record<string, unknown>, serial: number): void {
    const code = typeCode >= 0 ? CODE_OF_TYPE[typeCode] : eventCode(eventType);
    // Flags compared with `true`: V8 does not know a class field holds only booleans, and a bare truth test
    // checks for every kind of value on the path every recorded call takes.
    if (this.#held === true && (this.#armed & (1 << this.lastCode)) !== 0 && code > 0 && this.#hint === null) {
      // The common step: the held call ends as the last of its code (see #endHeld), and this one is held in turn.
      this.#n++;
      this.#serial = serial;
      this.lastType = eventType;
      this.lastCode = code;
      if (this.#direct!.endSameAndBegin(code, options, globalStep) === true) {
        this.#heldStep = globalStep;
        if (this.#burst !== true) this.#beginBurst();
        return;
      }
      this.#held = false;
      this.#pending = false;
      this.quiet = false;
      this.#slowEvent(eventType, code, globalStep, options, false);
      return;
    }
    if (this.#pending) {
      if (this.#held) this.#endHeld();
      else this.commit();
    }
    this.#serial = serial;
    this.lastType = eventType;
    this.lastCode = code;
    const quiet = this.#canStamp && code > 0 && this.#hint === null;
    let begun = false;
    if (quiet && this.#direct !== null) {
      begun = this.#direct.beginEvent(code, options, globalStep);
      if (begun && this.count === 0) {
        // The common call (see #held).
        this.#pending = true;
        this.#held = true;
        this.quiet = true;
        this.#heldStep = globalStep;
        if (!this.#stamping) this.#stamp(true);
        if (!this.#burst) this.#beginBurst();
        return;
      }
    }
    this.#slowEvent(eventType, code, globalStep, options, begun);
  }

  /** An event call the tap does not hold: its state and call word now (`begun`: the encoder has begun its record). */
  #slowEvent(eventType: EventType, code: number, globalStep: number, options: Record<string, unknown>, begun: boolean): void {
    const hint = this.#hint;
    const quiet = this.#canStamp && code > 0 && hint === null;
    this.#hint = null;
    this.#start(hint, eventType, hint ? null : options, quiet);
    if (quiet) {
      this.quiet = true;
      if (begun) {
        this.#open = true;
        if (!this.#burst) this.#beginBurst();
      }
    }
    this.#eventWord(code, globalStep);
  }

  /**
   * Ends the held call: nothing was reported during it, so its stamps are those of the last pure call of its code
   * while that one is armed (see `commit`), and its effects the same; a run takes it when it is also its code's
   * prediction. Else it is committed as any other call.
   */
  #endHeld(): void {
    this.#held = false;
    const code = this.lastCode;
    if ((this.#armed & (1 << code)) !== 0) {
      this.#pending = false;
      this.quiet = false;
      this.#n++;
      this.#direct!.endEvent(true, this.words, 0, NO_GENERIC, undefined);
      return;
    }
    this.#materialize();
    this.commit();
  }

  /** Fills in the held call as any other quiet event call: its state, its call word. */
  #materialize(): void {
    this.#held = false;
    this.#start(null, this.lastType!, null, true);
    this.#open = true;
    this.#eventWord(this.lastCode, this.#heldStep);
  }

  /** The pending event call's code and step, and its call word. */
  #eventWord(code: number, step: number): void {
    this.#current.step = step;
    this.#current.code = code;
    this.push(callWord(1, code));
  }

  record(r: LifecycleRecord): void {
    this.wake();
    switch (r.type) {
      case 'call.event':
        this.event(r.eventType, eventTypeCode(r.eventType), r.globalStep, r.options, -1);
        return;
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

  sinks(refs: readonly ModifierRef[], records: readonly (EffectSink | null)[], modifiers: readonly RoutineStamps[]): EffectSink[] {
    this.wake();
    this.woke = false;
    this.#armed = 0;
    this.#stamping = false;
    this.#sinks = refs.map((ref, i) => new TapSink(this, ref, records[i]));
    this.#modifiers = modifiers;
    this.#canStamp = this.#mayStamp && refs.length <= 30 && records.every((r) => r === null) && this.#sinks.every((s) => s.base >= 0);
    return this.#sinks;
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
  reportRoutineHooks(): void {
    this.tap.reportRoutineHooks();
  }
  /** Runs for every hook of every event a replay re-executes: the common case is one comparison per name and one store. */
  hook(hook: HookName, eventType: EventType | null): void {
    const tap = this.tap;
    if (tap.quiet || tap.woke) tap.wake();
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
    this.tap.wake();
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
