/**
 * safetensors reader and writer (huggingface/safetensors format): 8-byte little-endian u64 header length N,
 * N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the
 * data section; offsets are relative to its start. F32/F16/BF16 load as float32, F64 as float64.
 * @internal
 */
import { ValueError } from '../../core/errors.ts';
import { Tensor } from '../../tensor/tensor.ts';

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/** IEEE half → float. */
export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** float → IEEE half, round to nearest even (for building test files). */
export function f32ToF16(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const e = (x >>> 23) & 0xff;
  let m = x & 0x7fffff;
  if (e === 255) return sign | 0x7c00 | (m ? 0x200 : 0);
  let he = e - 127 + 15;
  if (he >= 31) return sign | 0x7c00;
  if (he <= 0) {
    if (he < -10) return sign;
    m |= 0x800000;
    const shift = 14 - he;
    let hm = m >>> shift;
    const rem = m & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && hm & 1)) hm++;
    return sign | hm;
  }
  let hm = m >>> 13;
  const rem = m & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && hm & 1)) {
    hm++;
    if (hm === 0x400) {
      hm = 0;
      he++;
      if (he >= 31) return sign | 0x7c00;
    }
  }
  return sign | (he << 10) | hm;
}

/** float → bfloat16 bits, round to nearest even. */
export function f32ToBf16(v: number): number {
  const x = new Uint32Array(new Float32Array([v]).buffer)[0];
  if ((x & 0x7fffffff) > 0x7f800000) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** All tensors of a safetensors file by name. Errors name `file` and the expected vs actual sizes. */
export function parseSafetensors(buf: Uint8Array, file: string): Map<string, Tensor> {
  if (buf.byteLength < 8) {
    throw new ValueError(`${file}: truncated safetensors file: needs at least 8 bytes for the header length, file has ${buf.byteLength} bytes`);
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > buf.byteLength) {
    throw new ValueError(
      `${file}: safetensors header length ${n} runs past the end of the file: header needs ${8 + n} bytes, file has ${buf.byteLength} bytes`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    throw new ValueError(`${file}: safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ValueError(`${file}: safetensors header must be a JSON object`);
  }
  const dataStart = 8 + n;
  const dataLen = buf.byteLength - dataStart;
  const out = new Map<string, Tensor>();
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const e = raw as Entry;
    const where = `${file}: tensor '${name}'`;
    if (!e || typeof e !== 'object' || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
      throw new ValueError(`${where}: header entry needs dtype, shape and data_offsets [begin, end]`);
    }
    const size = BYTES[e.dtype];
    if (!size) throw new ValueError(`${where}: dtype ${e.dtype} is not supported (F32, F16, BF16, F64)`);
    const [b, end] = e.data_offsets;
    if (!Number.isInteger(b) || !Number.isInteger(end) || b < 0 || end < b || end > dataLen) {
      throw new ValueError(`${where}: data_offsets [${b}, ${end}] out of range: the data section has ${dataLen} bytes`);
    }
    const count = e.shape.reduce((a: number, d: number) => a * d, 1);
    if ((end - b) !== count * size) {
      throw new ValueError(
        `${where}: ${e.dtype} shape [${e.shape.join(', ')}] needs ${count * size} bytes, data_offsets [${b}, ${end}] hold ${end - b} bytes`,
      );
    }
    const at = dataStart + b;
    let data: Float32Array | Float64Array;
    if (e.dtype === 'F64') {
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getFloat64(at + 8 * i, true);
    } else if (e.dtype === 'F32') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getFloat32(at + 4 * i, true);
    } else if (e.dtype === 'F16') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = f16ToF32(dv.getUint16(at + 2 * i, true));
    } else {
      data = new Float32Array(count);
      const u = new Uint32Array(data.buffer);
      for (let i = 0; i < count; i++) u[i] = dv.getUint16(at + 2 * i, true) << 16;
    }
    out.set(name, new Tensor(data, e.shape));
  }
  return out;
}

/** A safetensors file for `tensors` (F32 or F64 by each tensor's dtype), names in the given order. */
export function serializeSafetensors(tensors: Array<[string, Tensor]>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let off = 0;
  for (const [name, t] of tensors) {
    const bytes = t.data.byteLength;
    header[name] = { dtype: t.dtype === 'float64' ? 'F64' : 'F32', shape: [...t.shape], data_offsets: [off, off + bytes] };
    off += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.byteLength % 8)) % 8; // spaces, so the data section starts 8-byte aligned
  const hb = new Uint8Array(json.byteLength + pad).fill(0x20);
  hb.set(json);
  const out = new Uint8Array(8 + hb.byteLength + off);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(hb.byteLength), true);
  out.set(hb, 8);
  let at = 8 + hb.byteLength;
  for (const [, t] of tensors) {
    const n = t.data.length;
    if (t.dtype === 'float64') for (let i = 0; i < n; i++, at += 8) dv.setFloat64(at, t.data[i], true);
    else for (let i = 0; i < n; i++, at += 4) dv.setFloat32(at, t.data[i], true);
  }
  return out;
}
