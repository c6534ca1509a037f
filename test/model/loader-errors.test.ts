import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { createSyntheticModel, loadModel, saveSafetensors } from '../../src/model/index.ts';
import { STORIES } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'llmc-model-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stories = readFileSync(STORIES);

function writeBin(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** A hand-built safetensors file: header object, then `data` as the data section. */
function writeSafetensors(sub: string, header: unknown, data: Uint8Array, config: object | null, rawHeader?: string): string {
  const d = path.join(dir, sub);
  mkdirSync(d, { recursive: true });
  const hb = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + hb.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.byteLength), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.byteLength);
  writeFileSync(path.join(d, 'model.safetensors'), out);
  if (config) writeFileSync(path.join(d, 'config.json'), JSON.stringify(config));
  return d;
}

async function errorOf(p: string): Promise<Error> {
  try {
    await loadModel(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ValueError);
    return e as Error;
  }
  throw new Error(`loadModel(${p}) did not throw`);
}

describe('loadModel errors (llama2.c)', () => {
  it('names the file and expected vs actual bytes for a truncated checkpoint', async () => {
    const p = writeBin('stories.bin', stories.subarray(0, 1_000_000));
    const e = await errorOf(p);
    expect(e.message).toBe(
      `${p}: header says dim=64, hidden_dim=172, n_layers=5, n_heads=8, n_kv_heads=4, vocab_size=512, seq_len=512, ` +
        'which needs 1056540 bytes, file has 1000000 bytes (truncated?)',
    );
  });

  it('rejects trailing bytes the header does not account for', async () => {
    const p = writeBin('long.bin', new Uint8Array([...stories, 0, 0, 0, 0]));
    expect((await errorOf(p)).message).toContain('which needs 1056540 bytes, file has 1056544 bytes');
  });

  it('rejects a file shorter than the header', async () => {
    const p = writeBin('tiny.bin', stories.subarray(0, 10));
    expect((await errorOf(p)).message).toBe(`${p}: truncated llama2.c checkpoint: the header needs 28 bytes, file has 10 bytes`);
  });

  it('rejects an inconsistent header', async () => {
    const bad = new Uint8Array(stories);
    new DataView(bad.buffer).setInt32(12, 7, true); // n_heads = 7 does not divide dim 64
    const p = writeBin('heads.bin', bad);
    expect((await errorOf(p)).message).toContain('n_heads=7');
    expect((await errorOf(p)).message).toContain('dim is not a multiple of n_heads');
  });

  it('names a missing file and an unknown extension', async () => {
    expect((await errorOf(path.join(dir, 'absent.bin'))).message).toContain('ENOENT');
    const p = writeBin('model.gguf', new Uint8Array(4));
    expect((await errorOf(p)).message).toContain('unknown model format');
  });
});

describe('loadModel errors (safetensors)', () => {
  const config = {
    hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1,
    vocab_size: 8, tie_word_embeddings: true,
  };

  it('rejects a header length past the end of the file', async () => {
    const d = path.join(dir, 'hlen');
    mkdirSync(d);
    const buf = new Uint8Array(20);
    new DataView(buf.buffer).setBigUint64(0, 1000n, true);
    writeFileSync(path.join(d, 'model.safetensors'), buf);
    writeFileSync(path.join(d, 'config.json'), JSON.stringify(config));
    expect((await errorOf(d)).message).toBe(
      `${path.join(d, 'model.safetensors')}: safetensors header length 1000 runs past the end of the file: header needs 1008 bytes, file has 20 bytes`,
    );
  });

  it('rejects a header that is not valid JSON', async () => {
    const d = writeSafetensors('json', null, new Uint8Array(0), config, '{"a": ');
    expect((await errorOf(d)).message).toMatch(/model\.safetensors: safetensors header is not valid JSON/);
  });

  it('rejects data offsets outside the data section and byte counts that disagree with the shape', async () => {
    const d = writeSafetensors('offsets', { x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8), config);
    expect((await errorOf(d)).message).toContain("tensor 'x': data_offsets [0, 16] out of range: the data section has 8 bytes");
    const d2 = writeSafetensors('count', { x: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }, new Uint8Array(8), config);
    expect((await errorOf(d2)).message).toContain("tensor 'x': F32 shape [4] needs 16 bytes, data_offsets [0, 8] hold 8 bytes");
  });

  it('names a missing tensor and a wrong shape', async () => {
    const d = writeSafetensors('missing', {}, new Uint8Array(0), config);
    expect((await errorOf(d)).message).toBe(
      `${path.join(d, 'model.safetensors')}: missing tensor 'model.embed_tokens.weight' (expected shape [8, 16])`,
    );
    const d2 = writeSafetensors('shape', { 'model.embed_tokens.weight': { dtype: 'F32', shape: [16, 8], data_offsets: [0, 512] } },
      new Uint8Array(512), config);
    expect((await errorOf(d2)).message).toContain("tensor 'model.embed_tokens.weight' has shape [16, 8], expected [8, 16]");
  });

  it('needs config.json beside the weights', async () => {
    const d = path.join(dir, 'noconfig');
    await saveSafetensors(createSyntheticModel({ dim: 16, hiddenDim: 32, layers: 1, heads: 2, kvHeads: 1, vocab: 8, outlierChannels: 1 }), d);
    rmSync(path.join(d, 'config.json'));
    expect((await errorOf(d)).message).toContain(`${path.join(d, 'config.json')}: cannot read model file (ENOENT)`);
  });
});
