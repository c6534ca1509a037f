/**
 * llama2.c checkpoints: the 7 header ints (valid small configs, then hostile values: zero, negative,
 * huge, inconsistent) with bodies of about the right size or not, through parseLlama2c.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { parseLlama2c } from '../../src/model/load/llama2c.ts';
import { checkOutcome, fuzz, outcomeOf } from './harness.ts';

const small = fc.record({
  dim: fc.constantFrom(4, 8, 16), hidden: fc.constantFrom(4, 8, 12), layers: fc.integer({ min: 1, max: 2 }), heads: fc.constantFrom(1, 2),
  kvHeads: fc.constantFrom(1, 2), vocab: fc.integer({ min: -8, max: 8 }), seqLen: fc.integer({ min: 1, max: 8 }),
});
const hostileInt = fc.oneof(fc.constantFrom(0, -1, 1, 2, 3, 2 ** 31 - 1, -(2 ** 31), 1_000_000, 65536, 7), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

/** Floats a valid header of this shape needs (the reader's own formula, so "right size" inputs are common). */
function floatsFor(h: number[]): number {
  const [dim, hidden, layers, heads, kvHeads, rawVocab, seqLen] = h;
  const vocab = Math.abs(rawVocab);
  const hd = dim / heads;
  const kvDim = kvHeads * hd;
  const perLayer = 2 * dim + 2 * dim * dim + 2 * kvDim * dim + 3 * hidden * dim;
  return vocab * dim + layers * perLayer + dim + seqLen * hd + (rawVocab > 0 ? 0 : vocab * dim);
}

const checkpoint = fc.record({
  header: fc.oneof(small.map((s) => [s.dim, s.hidden, s.layers, s.heads, s.kvHeads, s.vocab, s.seqLen]), fc.array(hostileInt, { minLength: 7, maxLength: 7 })),
  patch: fc.option(fc.tuple(fc.integer({ min: 0, max: 6 }), hostileInt), { nil: undefined }),
  slack: fc.integer({ min: -8, max: 8 }),
}).map(({ header, patch, slack }) => {
  const h = [...header];
  const wanted = floatsFor(h);
  if (patch) h[patch[0]] = patch[1];
  // Bodies stay small whatever the header claims: a huge claim must be refused, not read.
  const floats = Number.isFinite(wanted) && wanted >= 0 && wanted < 100_000 ? Math.max(0, Math.floor(wanted) + slack) : Math.abs(slack);
  const buf = new Uint8Array(28 + 4 * floats);
  const dv = new DataView(buf.buffer);
  h.forEach((v, i) => dv.setInt32(4 * i, v, true));
  return buf;
});

describe('fuzz: llama2.c headers', () => {
  it('valid and mutated checkpoints give a model or a named error', () => {
    fuzz('llama2.c', fc.oneof(checkpoint, fc.uint8Array({ maxLength: 40 })), 300, (bytes) => {
      checkOutcome(outcomeOf(() => parseLlama2c(bytes, 'fuzz.bin')));
    });
  });
});
