/**
 * The byte-level pieces of the binary journal (version 2): a growable writer into one preallocated
 * buffer and a bounds-checked reader, with unsigned LEB128 varints, little-endian float64 and
 * length-prefixed UTF-8, plus the options encoding every event call uses (docs/journal-format.md).
 */
import { setOwn, type JsonValue } from './serialize.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  /** An unsigned integer below 2^53 as LEB128. */
  varint(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Length-prefixed UTF-8. */
  text(s: string): void {
    const b = encoder.encode(s);
    this.varint(b.length);
    this.bytes(b);
  }
  /** 32 bytes from 64 hex digits. */
  sha256(hex: string): void {
    this.ensure(32);
    for (let i = 0; i < 32; i++) this.buf[this.pos++] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
}

/** Thrown by ByteReader when a field runs past its record: the reader turns it into a damage report. */
export class Overrun extends Error {}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Reads one record's payload at a time: `at` moves it to the next (one reader per pass, no object per record). */
export class ByteReader {
  pos = 0;
  end = 0;
  readonly #view: DataView;
  constructor(readonly buf: Uint8Array) {
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  at(start: number, end: number): this {
    this.pos = start;
    this.end = end;
    return this;
  }
  u8(): number {
    if (this.pos >= this.end) throw new Overrun('record ends in the middle of a field');
    return this.buf[this.pos++];
  }
  varint(): number {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 128;
    }
    throw new Overrun('varint longer than 8 bytes');
  }
  f64(): number {
    if (this.pos + 8 > this.end) throw new Overrun('record ends in the middle of a number');
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  text(): string {
    const n = this.varint();
    if (this.pos + n > this.end) throw new Overrun('record ends in the middle of a text');
    const s = decoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  sha256(): string {
    if (this.pos + 32 > this.end) throw new Overrun('record ends in the middle of a SHA-256');
    let s = '';
    for (let i = 0; i < 32; i++) s += HEX[this.buf[this.pos++]];
    return s;
  }
}

// ---- options ----------------------------------------------------------------------------------

const V_NULL = 0;
const V_FALSE = 1;
const V_TRUE = 2;
const V_INT = 3;
const V_FLOAT = 4;
const V_TEXT = 5;

/**
 * Whether options are stored field by field (a plain object of null, booleans, finite numbers and
 * strings: what `toJsonValue` copies as is); anything else is stored as its JSON text.
 */
export function isScalarOptions(o: object): boolean {
  if (Object.getPrototypeOf(o) !== Object.prototype || 'className' in o || Object.hasOwn(o, '__proto__')) return false;
  for (const k in o) if (!isScalar((o as Record<string, unknown>)[k])) return false;
  return true;
}

/** A value options store field by field: null, a boolean, a string or a finite number. */
export const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

/**
 * Whether options are a plain object or one without a prototype: either has only its own keys to enumerate (a
 * class instance's inherited ones would be lost), and a reader gives back a plain object with the same keys.
 * `__proto__` is an inlined accessor, `getPrototypeOf` a call: the former decides the common case.
 */
export function isPlainObject(o: object): boolean {
  const proto = (o as { __proto__?: unknown }).__proto__;
  if (proto === Object.prototype) return true;
  const actual = Object.getPrototypeOf(o);
  return actual === null || actual === Object.prototype;
}

/** Option names get a number on first use (written once, in order), shared by writer and reader. */
export class KeyTable {
  readonly ids = new Map<string, number>();
  readonly names: string[] = [];
  /** A name's id, or -1: a scan while there are few names (events repeat the same few), else the map. */
  idOf(name: string): number {
    const names = this.names;
    if (names.length <= 16) {
      for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
      return -1;
    }
    return this.ids.get(name) ?? -1;
  }
  /** The `globalStep` of the options read or written last (a reader's first pass checks it without building them). */
  globalStep: JsonValue | undefined = undefined;
}

/** Bytes a field needs at most besides its name and text value: name number, type byte, float64 or varint. */
const FIELD_BYTES = 16;

/**
 * Writes options field by field when {@link isScalarOptions} holds and no field named `refuse` is
 * set (in one pass: the check and the writing), and returns true; else writes nothing, learns no
 * name, and returns false. `keys.globalStep` is then the `globalStep` written. Every event runs it,
 * so the common field (a known name, a number or null) is written straight into the buffer.
 */
export function writeOptions(w: ByteWriter, o: Record<string, unknown>, keys: KeyTable, refuse: string | null = null): boolean {
  if (!isPlainObject(o)) return false;
  const at = w.pos;
  const known = keys.names.length;
  w.ensure(1 + FIELD_BYTES);
  let p = at + 1; // the count, when below 128 (else moved below)
  let n = 0;
  keys.globalStep = undefined;
  for (const k in o) {
    const v = o[k];
    if (k === 'globalStep') keys.globalStep = v as JsonValue;
    // An own `__proto__` key would be lost by a reader's assignment: such options go as JSON text.
    if (k === 'className' || k === '__proto__' || !isScalar(v) || (k === refuse && v !== null)) {
      w.pos = at;
      for (const name of keys.names.splice(known)) keys.ids.delete(name);
      return false;
    }
    n++;
    const id = keys.idOf(k);
    if (id >= 0 && id < 0x7f) w.buf[p++] = id + 1;
    else {
      // A new name, or a many-byte name number.
      w.pos = p;
      if (id < 0) {
        w.varint(0);
        w.text(k);
        keys.ids.set(k, keys.names.length);
        keys.names.push(k);
      } else w.varint(id + 1);
      w.ensure(FIELD_BYTES);
      p = w.pos;
    }
    if (typeof v === 'string') {
      w.pos = p;
      w.u8(V_TEXT);
      w.text(v);
      p = w.pos;
    } else p = writeScalar(w.buf, p, v, w.view);
    w.pos = p;
    w.ensure(FIELD_BYTES);
    p = w.pos;
  }
  w.pos = p;
  if (n < 0x80) w.buf[at] = n;
  else {
    // More than 127 names: the count takes more bytes; move the fields after it.
    const fields = w.buf.slice(at + 1, w.pos);
    w.pos = at;
    w.varint(n);
    w.bytes(fields);
  }
  return true;
}

/**
 * A number, boolean or null at `buf[p]` as an option value (type byte, then an integer as a zigzag varint
 * or a float64, −0 included), room for 10 bytes assumed; returns the position after it, or -1 (nothing written) for a
 * value stored otherwise (a text, a non-finite number, anything else). The encoder's event path shares it.
 */
export function writeScalar(buf: Uint8Array, p: number, v: unknown, view: DataView): number {
  if (v === null) buf[p++] = V_NULL;
  else if (v === false) buf[p++] = V_FALSE;
  else if (v === true) buf[p++] = V_TRUE;
  else if (typeof v !== 'number' || !Number.isFinite(v)) return -1;
  else if (Number.isInteger(v) && v <= 0x3fffffff && v >= -0x3fffffff && (v !== 0 || 1 / v > 0)) {
    buf[p++] = V_INT;
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    while (z >= 0x80) {
      buf[p++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[p++] = z;
  } else {
    buf[p++] = V_FLOAT;
    view.setFloat64(p, v, true);
    p += 8;
  }
  return p;
}

/** Option names and values as read, in order (`n` of them): what a journal's prediction learns from. */
export interface ReadFields {
  names: string[];
  values: JsonValue[];
  n: number;
}

/**
 * Reads options written by {@link writeOptions} into `fields`; with `build` false it only checks them (a
 * reader's first pass) and returns null, else the options object.
 */
export function readOptions(r: ByteReader, keys: KeyTable, build: boolean, fields: ReadFields): { [k: string]: JsonValue } | null {
  const n = r.varint();
  const out: { [k: string]: JsonValue } | null = build ? {} : null;
  keys.globalStep = undefined;
  if (n > r.end - r.pos) throw new Overrun('option count runs past the record');
  fields.n = n;
  for (let i = 0; i < n; i++) {
    const ref = r.varint();
    let k: string;
    if (ref === 0) {
      k = r.text();
      keys.ids.set(k, keys.names.length);
      keys.names.push(k);
    } else {
      if (ref > keys.names.length) throw new Overrun(`option name #${ref - 1} was never defined`);
      k = keys.names[ref - 1];
    }
    const v = readValue(r);
    fields.names[i] = k;
    fields.values[i] = v;
    if (out === null) {
      if (k === 'globalStep') keys.globalStep = v;
    } else if (k === '__proto__') setOwn(out, k, v);
    else out[k] = v; // a store site of its own: the options' few shapes stay monomorphic
  }
  return out;
}

function readValue(r: ByteReader): JsonValue {
  const tag = r.u8();
  switch (tag) {
    case V_NULL:
      return null;
    case V_FALSE:
      return false;
    case V_TRUE:
      return true;
    case V_INT: {
      const z = r.varint();
      return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    }
    case V_FLOAT:
      return r.f64();
    case V_TEXT:
      return r.text();
    default:
      throw new Overrun(`unknown option value tag ${tag}`);
  }
}
