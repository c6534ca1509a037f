/**
 * safetensors reader and writer (huggingface/safetensors format): 8-byte little-endian u64 header length N,
 * N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the
 * data section; offsets are relative to its start. F32/F16/BF16 load as float32, F64 as float64.
 * @internal
 */
import { ValueError } from '../../core/errors.ts';
import { Tensor } from '../../tensor/tensor.ts';

/** Bytes per element of the dtypes we read; a Map, so `__proto__` or `constructor` is no dtype. */
const BYTES = new Map<string, number>([['F64', 8], ['F32', 4], ['F16', 2], ['BF16', 2]]);
/** The spec's other dtypes: named as unsupported rather than unknown. */
const OTHER_DTYPES = new Set(['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);
/** The safetensors spec's limit on the JSON header (huggingface/safetensors `MAX_HEADER_SIZE`). */
export const MAX_HEADER_BYTES = 100_000_000;

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
  readonly name: string;
  readonly dtype: string;
  readonly size: number;
  readonly shape: number[];
  readonly count: number;
  readonly begin: number;
  readonly end: number;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const show = (v: unknown) => JSON.stringify(v) ?? String(v);

/** One header entry, checked against the spec and the data section's size. */
function checkEntry(name: string, raw: unknown, dataLen: number, file: string): Entry {
  const where = `${file}: tensor '${name}'`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValueError(`${where}: header entry must be an object with dtype, shape and data_offsets, got ${show(raw)}`);
  }
  const e = raw as Record<string, unknown>;
  const dtype = Object.hasOwn(e, 'dtype') ? e.dtype : undefined;
  const shape = Object.hasOwn(e, 'shape') ? e.shape : undefined;
  const offsets = Object.hasOwn(e, 'data_offsets') ? e.data_offsets : undefined;
  if (typeof dtype !== 'string') throw new ValueError(`${where}: dtype must be a string, got ${show(dtype)}`);
  const size = BYTES.get(dtype);
  if (size === undefined) {
    const what = OTHER_DTYPES.has(dtype) ? 'is not supported' : 'is not a safetensors dtype';
    throw new ValueError(`${where}: dtype ${show(dtype)} ${what} (supported: ${[...BYTES.keys()].join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    throw new ValueError(`${where}: shape must be a list of non-negative integers, got ${show(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new ValueError(`${where}: data_offsets must be two non-negative integers [begin, end], got ${show(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin || end > dataLen) {
    throw new ValueError(`${where}: data_offsets [${begin}, ${end}] out of range: the data section has ${dataLen} bytes`);
  }
  // A float product: a huge shape gives a huge (or infinite) count that fails the comparison; nothing is allocated.
  const count = (shape as number[]).reduce((a, d) => a * d, 1);
  if (count * size !== end - begin) {
    throw new ValueError(`${where}: ${dtype} shape [${(shape as number[]).join(', ')}] needs ${count * size} bytes, data_offsets [${begin}, ${end}] hold ${end - begin} bytes`);
  }
  return { name, dtype, size, shape: shape as number[], count, begin, end };
}

/** The spec: tensors cover the data section exactly, in some order, without gaps or overlaps. */
function checkLayout(entries: Entry[], dataLen: number, file: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) {
      const prev = sorted[sorted.indexOf(e) - 1];
      throw new ValueError(`${file}: tensor '${e.name}' data_offsets [${e.begin}, ${e.end}] overlap tensor '${prev.name}' [${prev.begin}, ${prev.end}]`);
    }
    if (e.begin > at) throw new ValueError(`${file}: bytes [${at}, ${e.begin}) of the data section belong to no tensor (tensor '${e.name}' starts at ${e.begin}); the spec allows no gaps`);
    at = e.end;
  }
  if (at !== dataLen) throw new ValueError(`${file}: bytes [${at}, ${dataLen}) at the end of the data section belong to no tensor; the spec allows no trailing bytes`);
}

/** All tensors of a safetensors file by name. Errors name `file` and the expected vs actual sizes. */
export function parseSafetensors(buf: Uint8Array, file: string): Map<string, Tensor> {
  if (buf.byteLength < 8) {
    throw new ValueError(`${file}: truncated safetensors file: needs at least 8 bytes for the header length, file has ${buf.byteLength} bytes`);
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const big = dv.getBigUint64(0, true);
  if (big > BigInt(MAX_HEADER_BYTES)) {
    throw new ValueError(`${file}: safetensors header length ${big} is over the spec's limit of ${MAX_HEADER_BYTES} bytes (file has ${buf.byteLength} bytes)`);
  }
  const n = Number(big);
  if (8 + n > buf.byteLength) {
    throw new ValueError(
      `${file}: safetensors header length ${n} runs past the end of the file: header needs ${8 + n} bytes, file has ${buf.byteLength} bytes`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    throw new ValueError(`${file}: safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ValueError(`${file}: safetensors header must be a JSON object`);
  }
  const dataStart = 8 + n;
  const dataLen = buf.byteLength - dataStart;
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const ok = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.values(raw).every((v) => typeof v === 'string');
      if (!ok) throw new ValueError(`${file}: safetensors __metadata__ must be an object of strings, got ${show(raw)}`);
      continue;
    }
    entries.push(checkEntry(name, raw, dataLen, file));
  }
  checkLayout(entries, dataLen, file);
  const out = new Map<string, Tensor>();
  for (const { name, dtype, count, begin, shape } of entries) {
    const at = dataStart + begin;
    let data: Float32Array | Float64Array;
    if (dtype === 'F64') {
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getFloat64(at + 8 * i, true);
    } else if (dtype === 'F32') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = dv.getFloat32(at + 4 * i, true);
    } else if (dtype === 'F16') {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = f16ToF32(dv.getUint16(at + 2 * i, true));
    } else {
      data = new Float32Array(count);
      const u = new Uint32Array(data.buffer);
      for (let i = 0; i < count; i++) u[i] = dv.getUint16(at + 2 * i, true) << 16;
    }
    out.set(name, new Tensor(data, shape));
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
