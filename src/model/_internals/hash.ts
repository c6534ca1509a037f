/**
 * A fast 64-bit fingerprint: two 32-bit FNV-1a-style lanes (different offset bases and primes) over 32-bit
 * words. Not cryptographic; used to fingerprint model weights in event logs.
 * @internal
 */
export class Fnv64 {
  private a = 0x811c9dc5 | 0;
  private b = 0xcbf29ce4 | 0;

  words(w: Uint32Array): this {
    let a = this.a, b = this.b;
    for (let i = 0; i < w.length; i++) {
      const x = w[i];
      a = Math.imul(a ^ x, 0x01000193);
      b = Math.imul(b ^ x, 0x9e3779b1);
      b ^= b >>> 15;
    }
    this.a = a;
    this.b = b;
    return this;
  }

  /** The raw bytes of a typed array (its own range of the buffer). */
  typed(data: Float32Array | Float64Array): this {
    return this.words(new Uint32Array(data.buffer, data.byteOffset, data.byteLength / 4));
  }

  string(s: string): this {
    const w = new Uint32Array(s.length + 1);
    for (let i = 0; i < s.length; i++) w[i] = s.charCodeAt(i);
    w[s.length] = 0xffffffff; // terminator, so 'ab'+'c' differs from 'a'+'bc'
    return this.words(w);
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
