/**
 * CRC-32 (IEEE, zlib's polynomial) over bytes, chainable: `crc32(b, crc32(a))` is the CRC of a then
 * b. The journal chains one per record, so an edit, a deletion or a swap breaks the chain at the
 * first record it touches. Written here because `zlib.crc32` needs Node ≥ 20.15.
 */
const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  let c = ~previous;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export const hex8 = (n: number) => n.toString(16).padStart(8, '0');
