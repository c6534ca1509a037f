/**
 * Writing a binary journal (version 3, docs/journal-format.md): records go into one preallocated
 * buffer, framed and CRC-chained as they come, and reach the sink in large whole-record chunks
 * (`flush`), so a process killed between flushes leaves an intact prefix. An event call that is its
 * code's prediction (src/log/prediction.ts) with the same effects as the last is one byte of a run record.
 */
import { createHash, type Hash } from 'node:crypto';
import type { AppendOnlyFile } from '../io/appendOnly.ts';
import { ByteWriter, isPlainObject, KeyTable, writeOptions, writeScalar } from './bytes.ts';
import { journalOptions } from './callRecorder.ts';
import { crc32 } from './crc32.ts';
import { eventCode, EVENT_TYPES } from './effects.ts';
import {
  EVENT_JSON_OPTIONS,
  EVENT_MODEL,
  EVENT_NO_STEP,
  EVENT_SAME_EFFECTS,
  EVENT_STEP_GIVEN,
  MAGIC,
  RECORD_CALL,
  RECORD_END,
  RECORD_EVENT,
  RECORD_HEADER,
  RECORD_RUN,
  type CallEntry,
  type JournalCall,
  type JournalHeader,
} from './format.ts';
import type { TapCall } from './tap.ts';
import { CallPrediction } from './prediction.ts';
import type { JsonValue } from './serialize.ts';

/**
 * Where journal bytes go: a file (`openAppendOnly`) or anything with the same two methods. `write`
 * gets a view of the encoder's buffer, valid during the call only: a sink that keeps bytes copies them.
 */
export type JournalSink = Pick<AppendOnlyFile, 'write' | 'close'>;

/** Flush once this many bytes are buffered. */
const FLUSH_BYTES = 1 << 16;
/** Calls per run record at most: what damage to one record can cost. */
const RUN_CALLS = 4096;

const NO_WORDS = new Int32Array(0);
const NO_GENERIC: readonly string[] = [];

/** How many bytes an unsigned LEB128 varint of `n` takes. */
function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export class JournalEncoder {
  readonly #w = new ByteWriter(FLUSH_BYTES * 2);
  #k = 0;
  #written = 0;
  readonly #hash: Hash = createHash('sha256');
  #ended = false;
  readonly #keys = new KeyTable();
  /** The effects of the last event record of each event code, when it had no generic record: an equal list is stored as a reference. */
  readonly #last: (Int32Array | null)[] = EVENT_TYPES.map(() => null);
  readonly #recipeRef: boolean;
  #start = 0;
  readonly #shapes: string[][] = EVENT_TYPES.map(() => []);
  readonly #shapeIds: Uint8Array[] = EVENT_TYPES.map(() => new Uint8Array(8));
  /** Where the record `beginEvent` started lies, or -1. */
  #open = -1;
  /** Per event code, the call a run repeats (the reader keeps the same). */
  readonly #predictions = EVENT_TYPES.map((_, code) => new CallPrediction(code));
  /**
   * The open run record's calls, kept apart from the buffer (one store per call, no bounds to share with other
   * records) and appended to it as one record when the run closes; 0: no run is open.
   */
  readonly #runCodes = new Uint8Array(RUN_CALLS);
  #runLength = 0;
  /** The prediction `beginEvent` found the call to be (nothing written yet), or null. */
  #predicted: CallPrediction | null = null;
  /** The open event record's options as a reader decodes them (names, values, count; -1: not field by field) and its step. */
  readonly #names: string[] = [];
  readonly #values: JsonValue[] = [];
  #fields = -1;
  #step = 0;
  constructor(
    readonly sink: JournalSink,
    header: JournalHeader,
  ) {
    this.#recipeRef = header.recipe !== null;
    const w = this.#w;
    w.bytes(MAGIC);
    this.#begin();
    w.u8(RECORD_HEADER);
    w.text(JSON.stringify(header));
    this.#finish(0);
    this.flush();
  }

  /** A call the tap committed (live options are serialized here). */
  tapCall(t: TapCall): void {
    const c = t.call;
    if (c === null) this.#event(t.type, t.code, t.options!, true, t.step, t.same, t.words, t.count, t.generic, t.m);
    else if (c.call === 'event') this.#event(c.type, t.code >= 0 ? t.code : eventCode(c.type), c.options, false, t.step, false, t.words, t.count, t.generic, t.m);
    else this.#json(c, t.step, Array.from(t.words.subarray(0, t.count)), t.generic, t.m);
    if (this.#w.pos >= FLUSH_BYTES) this.flush();
  }

  /** A stored entry, re-encoded (a version-1 entry, which has no effects, is refused). */
  entry(e: CallEntry): void {
    if (!e.fx) throw new TypeError(`call ${e.n}: a version-1 entry holds no effects and cannot be written as version 2`);
    const c = e.c;
    if (c.call === 'event') this.#event(c.type, eventCode(c.type), c.options, false, e.s, false, Int32Array.from(e.fx.w), e.fx.w.length, e.fx.g, e.m);
    else this.#json(c, e.s, e.fx.w, e.fx.g, e.m);
    if (this.#w.pos >= FLUSH_BYTES) this.flush();
  }

  /** Writes the closing record (call count and SHA-256 of everything before it) and flushes. */
  end(calls: number): void {
    if (this.#ended) return;
    this.flush();
    this.#ended = true;
    const w = this.#w;
    this.#begin();
    w.u8(RECORD_END);
    w.varint(calls);
    w.sha256(this.#hash.digest('hex'));
    this.#finish(this.#start);
    const bytes = w.buf.subarray(0, w.pos);
    this.sink.write(bytes);
    this.#written += bytes.length;
    w.pos = 0;
  }

  get bytesWritten(): number {
    return this.#written;
  }

  flush(): void {
    if (this.#runLength > 0) this.#closeRun();
    const w = this.#w;
    const whole = this.#open >= 0 ? this.#open : w.pos; // an open record stays, moved to the front
    if (whole === 0 || this.#ended) return;
    const all = w.buf.subarray(0, whole);
    this.#hash.update(all);
    this.sink.write(all);
    this.#written += all.length;
    if (this.#open >= 0) {
      w.buf.copyWithin(0, whole, w.pos);
      this.#open = 0;
    }
    w.pos -= whole;
  }

  /** Starts a record: one byte for its length, widened in `#finish` if the payload needs more. */
  #begin(): void {
    if (this.#runLength > 0) this.#closeRun();
    const w = this.#w;
    w.ensure(1);
    this.#start = w.pos;
    w.pos++;
  }

  /** Writes the record's length before its payload and its CRC (over the bytes from `crcFrom`, chained) after it. */
  #finish(crcFrom: number): void {
    const w = this.#w;
    const start = this.#start;
    const length = w.pos - start - 1;
    const size = varintSize(length);
    if (size > 1) {
      w.ensure(size - 1);
      w.buf.copyWithin(start + size, start + 1, w.pos);
      w.pos += size - 1;
    }
    let v = length;
    let i = start;
    while (v >= 0x80) {
      w.buf[i++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    w.buf[i] = v;
    const k = crc32(w.buf, crcFrom, w.pos, this.#k);
    this.#k = k;
    w.ensure(4);
    const b = w.buf;
    const p = w.pos;
    b[p] = k;
    b[p + 1] = k >>> 8;
    b[p + 2] = k >>> 16;
    b[p + 3] = k >>> 24;
    w.pos = p + 4;
  }

  #event(
    type: string,
    code: number,
    options: Record<string, unknown>,
    live: boolean,
    step: number | undefined,
    same: boolean,
    words: Int32Array,
    count: number,
    generic: readonly string[],
    m: string | undefined,
  ): void {
    if (code <= 0) {
      const json = live ? journalOptions(options, this.#recipeRef) : options;
      this.#json({ call: 'event', type, options: json as never }, step, Array.from(words.subarray(0, count)), generic, m);
      return;
    }
    // A call that is its code's prediction with the last effects is a run's byte, however it reached the encoder.
    const p = this.#predictions[code];
    if (p.runnable && m === undefined && step !== undefined && this.#sameAsLast(code, same, words, count, generic)) {
      const stored = isPlainObject(options) || !live ? options : journalOptions(options, this.#recipeRef);
      if (isPlainObject(stored) && p.matches(stored, step)) {
        this.#runCall(code);
        p.advance();
        return;
      }
    }
    if (this.#runLength > 0) this.#closeRun();
    const w = this.#w;
    w.ensure(4);
    const start = w.pos;
    this.#start = start;
    w.buf[start + 1] = RECORD_EVENT;
    w.buf[start + 2] = code;
    w.pos = start + 4; // the flags at start + 3
    let flags = 0;
    const keys = this.#keys;
    // Live options are what `journalOptions` makes of them (the same bytes as a driver's JSON form): a recipe
    // becomes a reference, which is not a scalar.
    let stepGiven: unknown;
    if (writeOptions(w, options, keys, this.#recipeRef ? 'recipe' : null)) {
      stepGiven = keys.globalStep;
      this.#capture(options);
    } else {
      const json = live ? journalOptions(options, this.#recipeRef) : options;
      if (writeOptions(w, json, keys)) {
        stepGiven = keys.globalStep;
        this.#capture(json);
      } else {
        flags |= EVENT_JSON_OPTIONS;
        w.text(JSON.stringify(json));
        // As a reader decodes it: JSON text has no −0, so a step of −0 is then written out.
        stepGiven = json.globalStep === 0 ? 0 : json.globalStep;
        this.#fields = -1;
      }
    }
    if (step === undefined) flags |= EVENT_NO_STEP;
    else if (Object.is(stepGiven, step)) flags |= EVENT_STEP_GIVEN;
    else w.f64(step);
    this.#step = step ?? 0;
    w.buf[start + 3] = flags;
    this.#open = start;
    this.endEvent(same, words, count, generic, m);
  }

  /** The options an event record stores field by field, as a reader decodes them (for the prediction). */
  #capture(o: Record<string, unknown>): void {
    let n = 0;
    for (const k in o) {
      this.#names[n] = k;
      this.#values[n++] = o[k] as JsonValue;
    }
    this.#fields = n;
  }

  /**
   * Starts the record of an event call as it is made (its effects are known when it returns: `endEvent`),
   * in one pass over a preallocated buffer, for options of names seen before with numbers, booleans or null.
   * Returns false, having written nothing, for anything else (the tap then commits the call through `tapCall`).
   */
  beginEvent(code: number, options: Record<string, unknown>, step: number): boolean {
    if (!isPlainObject(options)) return false;
    const p = this.#predictions[code];
    if (p.runnable === true && p.matches(options, step)) { // `=== true`: see CallTap.event
      this.#predicted = p;
      return true;
    }
    if (this.#runLength > 0) this.#closeRun();
    return this.#beginRecord(code, options, step);
  }

  /**
   * The tap's common step, as one call: ends the call begun last with the effects of the last call of its code
   * and no model hash (`endEvent(true, …)`: one byte of a run when it was its code's prediction), then begins
   * the next (`beginEvent`).
   */
  endSameAndBegin(code: number, options: Record<string, unknown>, step: number): boolean {
    const last = this.#predicted;
    if (last !== null) {
      this.#predicted = null;
      this.#runCall(last.code);
      last.advance();
    } else this.endEvent(true, NO_WORDS, 0, NO_GENERIC, undefined);
    return this.beginEvent(code, options, step);
  }

  /** `beginEvent` past the prediction: the call's own event record. */
  #beginRecord(code: number, options: Record<string, unknown>, step: number): boolean {
    const w = this.#w;
    if (w.pos + 128 > w.buf.length) w.ensure(128);
    const buf = w.buf;
    const start = w.pos;
    let p = start + 5; // length, tag, code, flags, option count
    let n = 0;
    let given: unknown = undefined;
    // The names of the last options of this code, and their numbers: events repeat theirs.
    const shape = this.#shapes[code];
    for (const k in options) {
      const v = options[k];
      let id: number;
      if (n < shape.length && shape[n] === k) id = this.#shapeIds[code][n];
      else {
        id = this.#keys.idOf(k);
        if (id < 0 || id >= 0x7f || n >= 8 || k === 'className' || k === 'recipe') return false;
        shape.length = n;
        shape.push(k);
        this.#shapeIds[code][n] = id;
      }
      if (k === 'globalStep') given = v;
      this.#names[n] = k;
      this.#values[n] = v as JsonValue;
      n++;
      buf[p++] = id + 1;
      p = writeScalar(buf, p, v, w.view);
      if (p < 0) return false;
    }
    if (n > 8) return false;
    this.#fields = n;
    this.#step = step;
    let flags = 0;
    if (given === step && (step !== 0 || 1 / step === 1 / (given as number))) flags = EVENT_STEP_GIVEN; // Object.is, inlined
    else {
      w.view.setFloat64(p, step, true);
      p += 8;
    }
    buf[start + 1] = RECORD_EVENT;
    buf[start + 2] = code;
    buf[start + 3] = flags;
    buf[start + 4] = n;
    this.#open = start;
    w.pos = p;
    return true;
  }

  /**
   * Ends the call `beginEvent` started: the call's effects (`same`: as the last event's of its code, see
   * `TapCall.same`) and model hash. A predicted call with the same effects and no hash is one byte of a run.
   */
  endEvent(same: boolean, words: Int32Array, count: number, generic: readonly string[], m: string | undefined): void {
    if (this.#predicted !== null) {
      const p = this.#predicted;
      const code = p.code;
      this.#predicted = null;
      if (m === undefined && this.#sameAsLast(code, same, words, count, generic)) {
        this.#runCall(code);
        p.advance();
        return;
      }
      // Its effects differ: the call is written as an event record, with the options it was matched with.
      const options: Record<string, unknown> = {};
      for (let i = 0; i < p.names.length; i++) options[p.names[i]] = p.valueAt(i);
      if (this.#runLength > 0) this.#closeRun();
      if (!this.#beginRecord(code, options, p.nextStep)) {
        this.#event(EVENT_TYPES[code], code, options, false, p.nextStep, same, words, count, generic, m);
        return;
      }
    }
    const w = this.#w;
    const start = this.#open;
    this.#open = -1;
    const code = w.buf[start + 2];
    let flags = w.buf[start + 3];
    flags |= this.#effects(code, same, words, count, generic);
    if (m !== undefined) {
      flags |= EVENT_MODEL;
      w.sha256(m);
    }
    w.buf[start + 3] = flags;
    this.#start = start;
    this.#finish(start);
    const p = this.#predictions[code];
    if (this.#fields < 0 || flags & EVENT_NO_STEP) p.forget();
    else p.observe(this.#names, this.#values, this.#fields, this.#step, (flags & EVENT_STEP_GIVEN) !== 0);
    if (w.pos >= FLUSH_BYTES) this.flush();
  }

  /** Appends a call of `code` to the open run record, opening one if needed. */
  #runCall(code: number): void {
    const n = this.#runLength;
    if (n < RUN_CALLS) {
      this.#runCodes[n] = code;
      this.#runLength = n + 1;
      return;
    }
    this.#closeRun();
    if (this.#w.pos >= FLUSH_BYTES) this.flush();
    this.#runCodes[0] = code;
    this.#runLength = 1;
  }

  /** Writes the open run as a record. */
  #closeRun(): void {
    const n = this.#runLength;
    this.#runLength = 0;
    const w = this.#w;
    w.ensure(n + 2);
    const start = w.pos;
    w.buf[start + 1] = RECORD_RUN;
    w.buf.set(this.#runCodes.subarray(0, n), start + 2);
    w.pos = start + 2 + n;
    this.#start = start;
    this.#finish(start);
  }

  /** Whether a call's effects are the last event's of its code (`same`: the tap knows they are; see `TapCall.same`). */
  #sameAsLast(code: number, same: boolean, words: Int32Array, count: number, generic: readonly string[]): boolean {
    if (same) return true;
    const last = this.#last[code];
    return generic.length === 0 && last !== null && last.length === count && sameWords(last, words, count);
  }

  /** An event's effects after its step: a reference to the last event's of the code when equal (returns the flag), else the words and generic records. */
  #effects(code: number, same: boolean, words: Int32Array, count: number, generic: readonly string[]): number {
    if (this.#sameAsLast(code, same, words, count, generic)) return EVENT_SAME_EFFECTS;
    const w = this.#w;
    w.varint(count);
    for (let i = 0; i < count; i++) w.varint(words[i]);
    w.varint(generic.length);
    for (const g of generic) w.text(g);
    this.#last[code] = generic.length === 0 ? words.slice(0, count) : null;
    return 0;
  }

  #json(c: JournalCall, step: number | undefined, words: readonly number[], generic: readonly string[], m: string | undefined): void {
    const w = this.#w;
    const record: Record<string, unknown> = { c, fx: { w: words, g: generic } };
    if (step !== undefined) record.s = step;
    if (m !== undefined) record.m = m;
    this.#begin();
    w.u8(RECORD_CALL);
    w.text(JSON.stringify(record));
    this.#finish(this.#start);
  }
}

function sameWords(a: Int32Array, b: Int32Array, count: number): boolean {
  for (let i = 0; i < count; i++) if (a[i] !== b[i]) return false;
  return true;
}
