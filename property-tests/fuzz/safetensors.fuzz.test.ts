/**
 * safetensors bytes, valid and mutated (header values swapped for hostile JSON, offsets shifted, bytes
 * flipped, truncated), through parseSafetensors: tensors or a named error, nothing allocated past the file.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseSafetensors, serializeSafetensors } from '../../src/model/load/safetensors.ts';
import { Tensor } from '../../src/tensor/tensor.ts';
import { checkOutcome, fuzz, outcomeOf } from './harness.ts';

const shape = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
const tensors = fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', 'w.weight', '__proto__', 'constructor', 'x.y'), shape), { selector: ([n]) => n, maxLength: 4 })
  .map((list) => list.map(([name, s]): [string, Tensor] => [name, Tensor.zeros(s)]));

const hostileJson = fc.oneof(
  fc.constantFrom(null, true, -1, 1.5, 1e308, -0, '0', '16', 'F32', '__proto__', 'constructor', 'I8', 'F64', [], {}, [-1], ['4'], [1e15, 1e15], [0, -4], [16, 0], [2 ** 53, 2 ** 53 + 8]),
  fc.integer({ min: -10, max: 100 }),
  fc.array(fc.integer({ min: -4, max: 64 }), { maxLength: 3 }),
);

const headerMutation = fc.record({
  tensor: fc.nat(),
  key: fc.constantFrom('dtype', 'shape', 'data_offsets', '__proto__', 'extra'),
  value: hostileJson,
});

/** A valid file, then header mutations (re-encoded, length fixed or not) and raw byte edits. */
const file = fc.record({
  entries: tensors,
  mutations: fc.array(headerMutation, { maxLength: 3 }),
  keepLength: fc.boolean(),
  byteEdits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
  truncate: fc.option(fc.nat(), { nil: undefined }),
  metadata: fc.option(hostileJson, { nil: undefined }),
}).map(({ entries, mutations, keepLength, byteEdits, truncate, metadata }) => {
  const valid = serializeSafetensors(entries);
  const n = Number(new DataView(valid.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(valid.subarray(8, 8 + n)));
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  for (const m of mutations) if (names.length) header[names[m.tensor % names.length]][m.key] = m.value;
  if (metadata !== undefined) header.__metadata__ = metadata;
  const hb = new TextEncoder().encode(JSON.stringify(header));
  const data = valid.subarray(8 + n);
  let out = new Uint8Array(8 + hb.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(keepLength ? n : hb.byteLength), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.byteLength);
  for (const [at, b] of byteEdits) if (out.byteLength) out[at % out.byteLength] = b;
  if (truncate !== undefined) out = out.subarray(0, truncate % (out.byteLength + 1));
  return out;
});

describe('fuzz: safetensors headers', () => {
  it('valid and mutated files give tensors or a named error', () => {
    fuzz('safetensors', fc.oneof(file, fc.uint8Array({ maxLength: 64 })), 300, (bytes) => {
      checkOutcome(outcomeOf(() => parseSafetensors(bytes, 'fuzz.safetensors')));
    });
  });
});
