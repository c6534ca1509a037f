/**
 * Reading a binary journal (versions 2 and 3, docs/journal-format.md): the magic, then each record's
 * frame (`[varint length][payload][CRC-32]`, the CRC chained from the previous record's and, for the
 * header, covering the magic too), its payload, and the closing record's count and SHA-256. A run
 * record (version 3) holds several calls, one code byte each, decoded from their code's prediction.
 */
import { createHash } from 'node:crypto';
import { ByteReader, isScalarOptions, KeyTable, Overrun, readOptions, type ReadFields } from './bytes.ts';
import { hex8 } from './crc32.ts';
import { crc32 } from './crc32.ts';
import { effectsDigest, EVENT_TYPES, type Effects } from './effects.ts';
import { JournalDamageError } from './errors.ts';
import {
  EVENT_JSON_OPTIONS,
  EVENT_MODEL,
  EVENT_NO_STEP,
  EVENT_SAME_EFFECTS,
  EVENT_STEP_GIVEN,
  FORMAT_NAME,
  MAGIC,
  RECORD_CALL,
  RECORD_END,
  RECORD_EVENT,
  RECORD_HEADER,
  RECORD_RUN,
  type CallEntry,
  type Journal,
  type EndEntry,
  type JournalCall,
  type JournalHeader,
} from './format.ts';
import { upcastHeader } from './upcasters.ts';
import { CallPrediction } from './prediction.ts';
import { setOwn, type JsonValue } from './serialize.ts';

const TORN = 'torn record: the file ends in the middle of it (truncated, or the recording process was killed)';

/** A record's frame: where its payload lies, or why it is not intact. */
function frameAt(bytes: Uint8Array, lengthAt: number): { payload: number; end: number } | string {
  let length = 0;
  let scale = 1;
  let p = lengthAt;
  for (;;) {
    if (p >= bytes.length) return TORN;
    const b = bytes[p++];
    length += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 128;
    if (p - lengthAt > 6) return 'record length is not a valid varint';
  }
  if (p + length + 4 > bytes.length) return TORN;
  return { payload: p, end: p + length };
}

/** Records (whole or torn) from `offset` to the end, by their frames: what `--recover` drops. */
function countRecords(bytes: Uint8Array, offset: number): number {
  let n = 0;
  let p = offset;
  while (p < bytes.length) {
    n++;
    const f = frameAt(bytes, p);
    if (typeof f === 'string') break;
    p = f.end + 4;
  }
  return n;
}

function isEffects(v: unknown): v is Effects {
  const fx = v as Effects;
  return (
    fx !== null &&
    typeof fx === 'object' &&
    Array.isArray(fx.w) &&
    fx.w.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 31) &&
    Array.isArray(fx.g) &&
    fx.g.every((g) => typeof g === 'string')
  );
}

/** `base`: the digest of `fx` without a step when known; null to leave `e` empty (filled by {@link withDigest} when needed). */
function entryOf(n: number, c: JournalCall, fx: Effects, base: number | undefined | null, s: number | undefined, m: string | undefined): CallEntry {
  const entry: CallEntry = { n, c, e: '', x: fx.w.length, fx };
  if (s !== undefined) entry.s = s;
  if (m !== undefined) entry.m = m;
  // The digest of the words is shared by every call with these effects; only the step is mixed per call.
  if (base !== null) entry.e = hex8(effectsDigest(fx, s, base));
  return entry;
}

/** The entry with its digest `e`, for an entry a replay decoded without it. */
export function withDigest(entry: CallEntry): CallEntry {
  if (entry.e === '' && entry.fx) entry.e = hex8(effectsDigest(entry.fx, entry.s));
  return entry;
}

function readCall(r: ByteReader, n: number, digests = true): CallEntry {
  const v = JSON.parse(r.text()) as { c?: unknown; fx?: unknown; s?: unknown; m?: unknown };
  const c = v?.c as { call?: unknown } | undefined;
  if (!c || typeof c !== 'object' || typeof c.call !== 'string') throw new Overrun('call record without a call');
  if (!isEffects(v.fx)) throw new Overrun('call record without its effects');
  if (v.s !== undefined && typeof v.s !== 'number') throw new Overrun('call record with a step that is not a number');
  if (v.m !== undefined && (typeof v.m !== 'string' || !/^[0-9a-f]{64}$/.test(v.m))) throw new Overrun('call record with a model hash that is not SHA-256 hex');
  return entryOf(n, c as JournalCall, v.fx, digests ? undefined : null, v.s as number | undefined, v.m as string | undefined);
}

/**
 * Decodes call records in order (option names and repeated effects refer back to earlier records).
 * With `build` false it only checks them: the reader's first pass, which keeps nothing per call.
 */
class CallDecoder {
  readonly keys = new KeyTable();
  /** The effects of the last event record of each code that had no generic record, and their digest. */
  readonly last: (Effects | null)[] = EVENT_TYPES.map(() => null);
  readonly lastDigest: number[] = EVENT_TYPES.map(() => 0);
  readonly r: ByteReader;
  /** Whether the options of the call decoded last were stored field by field (scalars: no restoring needed). */
  scalar = false;
  /** Per event code, the call a run repeats (the encoder keeps the same). */
  readonly predictions = EVENT_TYPES.map((_, code) => new CallPrediction(code));
  readonly #fields: ReadFields = { names: [], values: [], n: 0 };
  constructor(
    bytes: Uint8Array,
    readonly build: boolean,
    /** Whether entries get their digest `e` now; else '' (see `withDigest`). */
    readonly digests = true,
  ) {
    this.r = new ByteReader(bytes);
  }

  /** The call record whose payload (after its tag) is `[start, end)`; null when only checking. */
  call(tag: number, start: number, end: number, n: number): CallEntry | null {
    const r = this.r.at(start, end);
    this.scalar = false;
    const entry = tag === RECORD_EVENT ? this.#event(n) : tag === RECORD_RUN ? this.#runCall(n) : readCall(r, n, this.digests);
    if (r.pos !== r.end) throw new Overrun(`${r.end - r.pos} unread bytes at the end of the record`);
    return this.build ? entry : null;
  }

  #event(n: number): CallEntry | null {
    const r = this.r;
    const code = r.u8();
    if (code === 0 || code >= EVENT_TYPES.length) throw new Overrun(`unknown event type code ${code}`);
    const flags = r.u8();
    if (flags >= 32) throw new Overrun(`unknown event flags ${flags}`);
    let options: { [k: string]: JsonValue } | null;
    const fields = this.#fields;
    fields.n = -1;
    if (flags & EVENT_JSON_OPTIONS) {
      const parsed = JSON.parse(r.text()) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Overrun('event options are not a JSON object');
      options = parsed as { [k: string]: JsonValue };
    } else {
      options = readOptions(r, this.keys, this.build, fields);
      this.scalar = true;
    }
    let s: number | undefined;
    if (flags & EVENT_NO_STEP) s = undefined;
    else if (flags & EVENT_STEP_GIVEN) {
      const given = options ? options.globalStep : this.keys.globalStep;
      if (typeof given !== 'number') throw new Overrun('step flagged as given, and the options have no globalStep');
      s = given;
    } else s = r.f64();
    let fx: Effects;
    let base: number | undefined;
    if (flags & EVENT_SAME_EFFECTS) {
      const last = this.last[code];
      if (last === null) throw new Overrun('refers to the effects of an earlier event that has none stored');
      fx = last;
      base = this.lastDigest[code];
    } else {
      const count = r.varint();
      if (count > r.end - r.pos) throw new Overrun('effect count runs past the record');
      const w = new Array<number>(count);
      for (let i = 0; i < count; i++) {
        w[i] = r.varint();
        if (w[i] >= 2 ** 31) throw new Overrun('effect word out of range');
      }
      const gn = r.varint();
      if (gn > r.end - r.pos) throw new Overrun('generic count runs past the record');
      const g = new Array<string>(gn);
      for (let i = 0; i < gn; i++) g[i] = r.text();
      fx = { w, g };
      this.last[code] = gn === 0 ? fx : null;
      if (gn === 0) {
        base = effectsDigest(fx, undefined);
        this.lastDigest[code] = base;
      }
    }
    const m = flags & EVENT_MODEL ? r.sha256() : undefined;
    const p = this.predictions[code];
    if (fields.n < 0 || s === undefined) p.forget();
    else p.observe(fields.names, fields.values, fields.n, s, (flags & EVENT_STEP_GIVEN) !== 0);
    if (!this.build) return null;
    return entryOf(n, { call: 'event', type: EVENT_TYPES[code], options: options! }, fx, this.digests ? base : null, s, m);
  }

  /** One call of a run record: its code's prediction, with the code's last effects. */
  #runCall(n: number): CallEntry | null {
    const code = this.r.u8();
    if (code === 0 || code >= EVENT_TYPES.length) throw new Overrun(`unknown event type code ${code}`);
    const p = this.predictions[code];
    if (!p.runnable) throw new Overrun(`a run repeats ${EVENT_TYPES[code]}, which has no two earlier calls to follow`);
    const fx = this.last[code];
    if (fx === null) throw new Overrun(`a run repeats ${EVENT_TYPES[code]}, whose last effects are not stored`);
    const s = p.nextStep;
    if (s - s !== 0) throw new Overrun(`a run repeats ${EVENT_TYPES[code]}, whose next step is not a finite number`);
    let options: { [k: string]: JsonValue } | null = null;
    if (this.build) options = {};
    for (let i = 0; i < p.names.length; i++) {
      const v = p.valueAt(i);
      if (v === undefined) throw new Overrun(`a run repeats ${EVENT_TYPES[code]}, whose option '${p.names[i]}' would not be a finite number`);
      if (options === null) continue;
      if (p.names[i] === '__proto__') setOwn(options, '__proto__', v);
      else options[p.names[i]] = v;
    }
    p.advance();
    this.scalar = true;
    if (options === null) return null;
    return entryOf(n, { call: 'event', type: EVENT_TYPES[code], options }, fx, this.digests ? this.lastDigest[code] : null, s, undefined);
  }
}

/** Where each intact call record's payload lies, for decoding the calls when they are asked for. */
interface Lazy {
  bytes: Uint8Array;
  tags: Uint8Array;
  starts: Uint32Array;
  ends: Uint32Array;
  count: number;
}

const LAZY = new WeakMap<Journal, Lazy>();

function decodeAll(lazy: Lazy): CallEntry[] {
  const d = new CallDecoder(lazy.bytes, true);
  const out = new Array<CallEntry>(lazy.count);
  for (let i = 0; i < lazy.count; i++) out[i] = d.call(lazy.tags[i], lazy.starts[i], lazy.ends[i], i + 1)!;
  return out;
}

/**
 * The calls of a journal in order, one per `next()` (null after the last), and whether that call's
 * options are plain scalars: decoded as they are asked for, nothing kept and no digest computed
 * (`withDigest`), while nobody has asked for `journal.calls` of a version-2 journal; else from that array.
 */
export function callCursor(journal: Journal): { next(): CallEntry | null; readonly scalar: boolean } {
  const lazy = LAZY.get(journal);
  let i = 0;
  if (!lazy) {
    const calls = journal.calls;
    const cursor = {
      scalar: false,
      next: (): CallEntry | null => {
        if (i >= calls.length) return null;
        const c = calls[i++];
        cursor.scalar = c.c.call === 'event' && isScalarOptions(c.c.options);
        return c;
      },
    };
    return cursor;
  }
  const d = new CallDecoder(lazy.bytes, true, false);
  return {
    get scalar() {
      return d.scalar;
    },
    next: () => (i < lazy.count ? d.call(lazy.tags[i], lazy.starts[i], lazy.ends[i], ++i)! : null),
  };
}

/** How many calls a journal holds, without decoding them. */
export function callCount(journal: Journal): number {
  return LAZY.get(journal)?.count ?? journal.calls.length;
}

function grow<T extends Uint8Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Reads and checks a version-2 journal. Damage is reported in the result, never thrown (but at record 0). */
export function readJournalV2(bytes: Buffer, source: string): Journal {
  const check = new CallDecoder(bytes, false);
  let tags = new Uint8Array(1024);
  let starts = new Uint32Array(1024);
  let ends = new Uint32Array(1024);
  let count = 0;
  let header: JournalHeader | null = null;
  let end: EndEntry | null = null;
  let k = 0;
  let start = 0;
  let record = 0;
  /** The version the header was written with (2 or 3). */
  let version = 0;
  /** The number of calls before the record being read. */
  let firstCall = 0;
  const journal = (damage: Journal['damage'], dropped: number): Journal => {
    const lazy: Lazy = { bytes, tags, starts, ends, count };
    const j = { source, header: header!, end, damage, dropped, bytes: bytes.length, storedVersion: version } as Journal;
    // The calls are decoded when first asked for; a replay decodes them as it goes instead (callsOf).
    const settle = (calls: CallEntry[]) => {
      LAZY.delete(j);
      Object.defineProperty(j, 'calls', { value: calls, enumerable: true, configurable: true, writable: true });
      return calls;
    };
    Object.defineProperty(j, 'calls', { enumerable: true, configurable: true, get: () => settle(decodeAll(lazy)), set: settle });
    LAZY.set(j, lazy);
    return j;
  };
  const fail = (reason: string, offset = start): Journal => {
    if (!header) throw new JournalDamageError(source, { record: 0, offset: 0, reason });
    end = null;
    return journal({ record, offset, reason }, countRecords(bytes, offset));
  };
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return fail('not an llmc-sim journal (the magic bytes differ)');
  const r = new ByteReader(bytes);
  while (start < bytes.length) {
    const f = frameAt(bytes, record === 0 ? MAGIC.length : start);
    if (typeof f === 'string') return fail(f);
    const crc = crc32(bytes, start, f.end, k);
    const stored = bytes.readUInt32LE(f.end);
    if (crc !== stored) return fail(`checksum mismatch (stored ${hex8(stored)}, computed ${hex8(crc)}): the record was edited, or one before it was removed or moved`);
    r.at(f.payload, f.end);
    firstCall = count;
    try {
      const tag = r.u8();
      if (record === 0) {
        if (tag !== RECORD_HEADER) return fail(`record 0 is not a header (tag ${tag})`);
        const v = JSON.parse(r.text()) as Record<string, unknown>;
        if (v === null || typeof v !== 'object' || v.journal !== FORMAT_NAME) return fail(`not an llmc-sim journal (header has journal ${JSON.stringify(v?.journal)})`);
        const up = upcastHeader(v);
        if (typeof up === 'string') return fail(up);
        header = up;
        version = v.version as number;
        if (r.pos !== r.end) return fail(`${r.end - r.pos} unread bytes at the end of the record`);
      } else if (tag === RECORD_EVENT || tag === RECORD_CALL || (tag === RECORD_RUN && version >= 3)) {
        // A run's calls are one byte each; any other call record is one call, its whole payload.
        const run = tag === RECORD_RUN;
        const first = r.pos;
        const calls = run ? f.end - first : 1;
        if (calls === 0) return fail('not a valid record (a run of no calls)');
        for (let i = 0; i < calls; i++) {
          const start = first + i;
          const end = run ? start + 1 : f.end;
          check.call(tag, start, end, count + 1);
          if (count === tags.length) {
            tags = grow(tags, new Uint8Array(count * 2));
            starts = grow(starts, new Uint32Array(count * 2));
            ends = grow(ends, new Uint32Array(count * 2));
          }
          tags[count] = tag;
          starts[count] = start;
          ends[count] = end;
          count++;
        }
      } else if (tag === RECORD_END) {
        const n = r.varint();
        const sha = r.sha256();
        if (n !== count) return fail(`closing record counts ${n} calls, the journal holds ${count}`);
        const digest = createHash('sha256').update(bytes.subarray(0, start)).digest('hex');
        if (sha !== digest) return fail(`closing record's SHA-256 does not match the bytes before it`);
        if (r.pos !== r.end) return fail(`${r.end - r.pos} unread bytes at the end of the record`);
        end = { end: n, sha256: digest };
      } else return fail(`unknown record tag ${tag}`);
    } catch (e) {
      count = firstCall; // none of a damaged run's calls is kept
      if (e instanceof Overrun || e instanceof SyntaxError || e instanceof TypeError) return fail(`not a valid record (${e.message})`);
      throw e;
    }
    k = crc;
    start = f.end + 4;
    record++;
    if (end && start < bytes.length) return fail('bytes after the closing record');
  }
  if (!header) throw new JournalDamageError(source, { record: 0, offset: 0, reason: 'no header' });
  if (!end) return fail('no closing record: the journal stops here (truncated, or the recording process was killed)');
  return journal(null, 0);
}
