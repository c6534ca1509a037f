/**
 * The explorer's set of states: every vector packed into one growing Uint16Array and found again
 * through an open-addressing hash table of ids, so looking a successor up builds no string or array
 * (a successor is computed into a scratch vector and copied in only when it is new).
 */
import { RuntimeError } from '../core/errors.ts';

const EMPTY = -1;

export class StateStore {
  /** Vectors, `width` entries each, state `id` at `id * width`. */
  #data: Uint16Array;
  /** Open-addressing table of ids (EMPTY where free); its size is a power of two, at most half full. */
  #table: Int32Array;
  #count = 0;

  constructor(readonly width: number) {
    this.#data = new Uint16Array(width * 1024);
    this.#table = new Int32Array(2048).fill(EMPTY);
  }

  get size(): number {
    return this.#count;
  }

  /** The id of `v`, or -1 when it is not stored. */
  find(v: ArrayLike<number>): number {
    const mask = this.#table.length - 1;
    const w = this.width;
    const data = this.#data;
    for (let slot = hash(v, w) & mask; ; slot = (slot + 1) & mask) {
      const id = this.#table[slot];
      if (id === EMPTY) return -1;
      let i = 0;
      const at = id * w;
      while (i < w && data[at + i] === v[i]) i++;
      if (i === w) return id;
    }
  }

  /** Stores `v` (not yet stored: call `find` first) and returns its id, the next in order. */
  add(v: ArrayLike<number>): number {
    const w = this.width;
    for (let i = 0; i < w; i++) {
      if (v[i] !== (v[i] & 0xffff)) throw new RuntimeError(`state vector entry ${i} is ${v[i]}: the state store holds 0…65535`);
    }
    const id = this.#count++;
    if ((id + 1) * w > this.#data.length) {
      const grown = new Uint16Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    for (let i = 0; i < w; i++) this.#data[id * w + i] = v[i];
    if (this.#count * 2 > this.#table.length) this.#rehash();
    else this.#place(id);
    return id;
  }

  /** A copy of state `id`'s vector. */
  vector(id: number): number[] {
    return Array.from(this.#data.subarray(id * this.width, (id + 1) * this.width));
  }

  #place(id: number): void {
    const mask = this.#table.length - 1;
    let slot = hash(this.#data.subarray(id * this.width, (id + 1) * this.width), this.width) & mask;
    while (this.#table[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#table[slot] = id;
  }

  #rehash(): void {
    this.#table = new Int32Array(this.#table.length * 2).fill(EMPTY);
    for (let id = 0; id < this.#count; id++) this.#place(id);
  }
}

/** FNV-1a over the entries. */
function hash(v: ArrayLike<number>, w: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w; i++) h = Math.imul(h ^ v[i], 0x01000193);
  return (h ^ (h >>> 15)) >>> 0;
}
