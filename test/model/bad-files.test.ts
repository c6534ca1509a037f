import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { ValueError } from '../../src/core/errors.ts';
import { createSyntheticModel, loadModel, saveSafetensors } from '../../src/model/index.ts';
import { OutputIsInputError } from '../../src/io/index.ts';
import { sys } from '../../src/io/sys.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'llmc-bad-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function errorOf(p: string): Promise<string> {
  try {
    await loadModel(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ValueError);
    return (e as Error).message;
  }
  throw new Error(`loadModel(${p}) did not throw`);
}

const tiny = () => createSyntheticModel({ dim: 16, hiddenDim: 32, layers: 1, heads: 2, kvHeads: 1, vocab: 8, outlierChannels: 1 });
let k = 0;
async function savedModel(): Promise<string> {
  const d = path.join(dir, `m${k++}`);
  await saveSafetensors(tiny(), d);
  return d;
}

/** A safetensors file from a header object and a data section, config.json beside it. */
function withHeader(header: unknown, data: Uint8Array, config?: object): string {
  const d = path.join(dir, `h${k++}`);
  mkdirSync(d);
  const hb = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + hb.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.byteLength), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.byteLength);
  writeFileSync(path.join(d, 'model.safetensors'), out);
  writeFileSync(path.join(d, 'config.json'), JSON.stringify(config ?? { hidden_size: 2, intermediate_size: 2, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 2 }));
  return d;
}

describe('model files are read only from regular files of known size', () => {
  it('a FIFO is a named error, not a hang', async () => {
    const fifo = path.join(dir, 'pipe.bin');
    execFileSync('mkfifo', [fifo]);
    expect(await errorOf(fifo)).toContain('it is a FIFO (named pipe); a model is read only from a regular file');
  });

  it('a link to /dev/zero is a named error, not an endless read', async () => {
    const link = path.join(dir, 'zero.bin');
    symlinkSync('/dev/zero', link);
    expect(await errorOf(link)).toContain('it is a character device');
  });
});

describe('config.json is checked against the weights before anything is built', () => {
  it('num_hidden_layers: 1000000 with one layer of weights names the missing layer', async () => {
    const d = await savedModel();
    const cfg = JSON.parse(readFileSync(path.join(d, 'config.json'), 'utf8'));
    writeFileSync(path.join(d, 'config.json'), JSON.stringify({ ...cfg, num_hidden_layers: 1_000_000 }));
    const msg = await errorOf(d);
    expect(msg).toContain("missing tensor 'model.layers.1.self_attn.q_proj.weight'");
    expect(msg).toContain('says num_hidden_layers=1000000, the weights stop at layer 0');
  });

  it.each([
    ['tie_word_embeddings', 'true', '`tie_word_embeddings` must be true or false, got "true"'],
    ['rope_theta', -10000, '`rope_theta` must be a positive finite number, got -10000'],
    ['rms_norm_eps', '1e-6', '`rms_norm_eps` must be a positive finite number, got "1e-6"'],
    ['max_position_embeddings', 1.5, '`max_position_embeddings` must be a positive integer, got 1.5'],
    ['llmc_sim_rope_style', 'diagonal', "`llmc_sim_rope_style` must be 'interleaved' or 'half', got \"diagonal\""],
    ['hidden_size', '16', '`hidden_size` must be a positive integer, got "16"'],
  ])('%s: %j is refused by name', async (key, value, message) => {
    const d = await savedModel();
    const cfg = JSON.parse(readFileSync(path.join(d, 'config.json'), 'utf8'));
    writeFileSync(path.join(d, 'config.json'), JSON.stringify({ ...cfg, [key]: value }));
    expect(await errorOf(d)).toBe(`${path.join(d, 'config.json')}: ${message}`);
  });

  it('a config.json that is a list is refused', async () => {
    const d = await savedModel();
    writeFileSync(path.join(d, 'config.json'), '[]');
    expect(await errorOf(d)).toContain('expected a JSON object');
  });
});

describe('safetensors held to its spec', () => {
  const f32 = (n: number) => new Uint8Array(4 * n);
  const cases: Array<[string, unknown, Uint8Array, string]> = [
    ['overlapping data_offsets', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3),
      "tensor 'b' data_offsets [4, 12] overlap tensor 'a' [0, 8]"],
    ['a gap between tensors', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32(3),
      'bytes [4, 8) of the data section belong to no tensor'],
    ['trailing bytes', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2), 'bytes [4, 8) at the end of the data section belong to no tensor'],
    ['a negative dimension', { a: { dtype: 'F32', shape: [-1, -4], data_offsets: [0, 16] } }, f32(4), 'shape must be a list of non-negative integers, got [-1,-4]'],
    ['a string shape', { a: { dtype: 'F32', shape: ['4'], data_offsets: [0, 16] } }, f32(4), 'shape must be a list of non-negative integers, got ["4"]'],
    ['string offsets', { a: { dtype: 'F32', shape: [4], data_offsets: ['0', '16'] } }, f32(4), 'data_offsets must be two non-negative integers [begin, end], got ["0","16"]'],
    ['dtype __proto__', { a: { dtype: '__proto__', shape: [4], data_offsets: [0, 16] } }, f32(4), 'dtype "__proto__" is not a safetensors dtype'],
    ['dtype constructor', { a: { dtype: 'constructor', shape: [4], data_offsets: [0, 16] } }, f32(4), 'dtype "constructor" is not a safetensors dtype'],
    ['an integer dtype', { a: { dtype: 'I8', shape: [4], data_offsets: [0, 4] } }, f32(1), 'dtype "I8" is not supported (supported: F64, F32, F16, BF16)'],
    ['a huge shape', { a: { dtype: 'F32', shape: [1e15, 1e15], data_offsets: [0, 16] } }, f32(4), 'needs 4e+30 bytes, data_offsets [0, 16] hold 16 bytes'],
    ['metadata that is not strings', { __metadata__: { a: 1 } }, f32(0), '__metadata__ must be an object of strings'],
    ['an entry that is a number', { a: 5 }, f32(0), "tensor 'a': header entry must be an object"],
  ];
  it.each(cases)('%s', async (_name, header, data, message) => {
    expect(await errorOf(withHeader(header, data))).toContain(message);
  });

  it('a header length over the spec limit is refused before reading it', async () => {
    const d = path.join(dir, 'hugeheader');
    mkdirSync(d);
    const buf = new Uint8Array(16);
    new DataView(buf.buffer).setBigUint64(0, 2n ** 63n, true);
    writeFileSync(path.join(d, 'model.safetensors'), buf);
    writeFileSync(path.join(d, 'config.json'), '{}');
    writeFileSync(path.join(d, 'config.json'), JSON.stringify({ hidden_size: 2, intermediate_size: 2, num_hidden_layers: 1, num_attention_heads: 1, vocab_size: 2 }));
    expect(await errorOf(d)).toContain("over the spec's limit of 100000000 bytes");
  });
});

describe('saveSafetensors writes the pair through src/io', () => {
  it('a failure replacing config.json leaves the old pair (not new weights with the old config)', async () => {
    const d = await savedModel();
    const before = [readFileSync(path.join(d, 'model.safetensors')), readFileSync(path.join(d, 'config.json'))];
    const rename = sys.renameSync;
    vi.spyOn(sys, 'renameSync').mockImplementation((from, to) => {
      if (String(to).endsWith('config.json')) throw Object.assign(new Error('injected'), { code: 'EIO' });
      rename(from, to);
    });
    const other = createSyntheticModel({ dim: 16, hiddenDim: 32, layers: 1, heads: 2, kvHeads: 1, vocab: 8, outlierChannels: 1, seed: 9 });
    await expect(saveSafetensors(other, d)).rejects.toThrow(/cannot write .*config\.json.*EIO/);
    vi.restoreAllMocks();
    expect(readFileSync(path.join(d, 'model.safetensors')).equals(before[0])).toBe(true);
    expect(readFileSync(path.join(d, 'config.json')).equals(before[1])).toBe(true);
    await loadModel(d);
  });

  it('refuses to replace the files the run loaded when told they are inputs', async () => {
    const d = await savedModel();
    const inputs = [path.join(d, 'model.safetensors'), path.join(d, 'config.json')];
    await expect(saveSafetensors(await loadModel(d), d, { inputs })).rejects.toThrow(OutputIsInputError);
  });
});
