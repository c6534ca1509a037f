/**
 * CRC-32 (IEEE, zlib's polynomial) over bytes, chainable: `crc32(b, crc32(a))` is the CRC of a then
 * b. The journal chains one per record, so an edit, a deletion or a swap breaks the chain at the
 * first record it touches. Long spans (a run record) go to zlib's native `crc32` where Node has it (20.15,
 * 22.2); the table below serves short spans, where the native call costs more than it saves, and older Nodes.
 */
import zlib from 'node:zlib';

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value: number) => number }).crc32;
/** From this many bytes on, the native call is faster than the table (its fixed cost is a view and a call into C++). */
const NATIVE_FROM = 256;

/** CRC_TABLE[k * 256 + b]: the CRC of byte b followed by k zero bytes (k = 0..3), for four bytes per step. */
const CRC_TABLE = (() => {
  const t = new Int32Array(1024);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 4; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** Four bytes per step ("slicing by 4"), then byte by byte. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  if (end - start >= NATIVE_FROM && nativeCrc32 !== undefined) return nativeCrc32(bytes.subarray(start, end), previous);
  let c = ~previous;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = CRC_TABLE[768 + (c & 0xff)] ^ CRC_TABLE[512 + ((c >>> 8) & 0xff)] ^ CRC_TABLE[256 + ((c >>> 16) & 0xff)] ^ CRC_TABLE[c >>> 24];
  }
  for (; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * `crc32` that also says whether every byte was ASCII (the reader then decodes the line as latin1,
 * faster than UTF-8).
 */
export function crc32Ascii8(bytes: Uint8Array, start: number, end: number, previous: number): { crc: number; ascii: boolean } {
  let c = ~previous;
  let or = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    or |= b;
    c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return { crc: ~c >>> 0, ascii: or < 0x80 };
}

/** Two hex digits per byte value: `hex8` runs twice per journal line. */
const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** A 32-bit value as 8 lowercase hex digits. */
export function hex8(n: number): string {
  return HEX2[(n >>> 24) & 0xff] + HEX2[(n >>> 16) & 0xff] + HEX2[(n >>> 8) & 0xff] + HEX2[n & 0xff];
}
