import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSyntheticModel, loadModel, saveSafetensors } from '../../src/model/index.ts';
import { f16ToF32, f32ToBf16, f32ToF16 } from '../../src/model/load/safetensors.ts';
import { STORIES, maxAbsDiff } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'llmc-model-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tokens = [1, 5, 9, 2, 7, 3];

describe('safetensors round trip', () => {
  it('saves and reloads stories260K (f32) with identical weights, tying and outputs', async () => {
    const model = await loadModel(STORIES);
    const out = path.join(dir, 'stories');
    await saveSafetensors(model, out);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors']); // no temp files left
    const cfg = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ architectures: ['LlamaForCausalLM'], hidden_size: 64, num_key_value_heads: 4,
      tie_word_embeddings: true, llmc_sim_rope_style: 'interleaved' });
    const back = await loadModel(out);
    expect(back.contentHash()).toBe(model.contentHash());
    expect(back.tied).toBe(true);
    expect(back.config).toEqual(model.config);
    expect(Array.from(back.forward(tokens).data)).toEqual(Array.from(model.forward(tokens).data));
    // a .safetensors path with config.json beside it loads the same
    expect((await loadModel(path.join(out, 'model.safetensors'))).contentHash()).toBe(model.contentHash());
  });

  it('keeps an untied lm_head and float64 weights', async () => {
    const model = createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 40 });
    model.untieWordEmbeddings();
    model.lmHead.weight.data[0] += 1;
    model.to('float64');
    const out = path.join(dir, 'f64');
    await saveSafetensors(model, out);
    const back = await loadModel(out);
    expect(back.tied).toBe(false);
    expect(back.dtype).toBe('float64');
    expect(back.contentHash()).toBe(model.contentHash());
    expect(back.config.ropeStyle).toBe('half');
  });

  it('converts f16 and bf16 tensors to float32', async () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00].map(f16ToF32)).toEqual([1, -2, 65504, 2 ** -24, -0, Infinity]);
    expect([1, -2, 65504, 2 ** -24, 0.1].map(f32ToF16)).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0x2e66]);
    expect([1, -2, 0.1].map(f32ToBf16)).toEqual([0x3f80, 0xc000, 0x3dcd]);

    const model = createSyntheticModel({ dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 40, outlierChannels: 1 });
    for (const [dtype, conv, tol] of [['F16', f32ToF16, 2e-3], ['BF16', f32ToBf16, 1e-2]] as const) {
      const header: Record<string, unknown> = {};
      const chunks: number[] = [];
      for (const [name, m] of model.namedModules()) {
        if (m.kind !== 'linear' && m.kind !== 'embedding' && m.kind !== 'rmsnorm') continue;
        if (name === 'lm_head') continue; // tied
        header[`${name}.weight`] = { dtype, shape: m.weight.shape, data_offsets: [chunks.length * 2, (chunks.length + m.weight.size) * 2] };
        for (const v of m.weight.data) chunks.push(conv(v));
      }
      const hb = new TextEncoder().encode(JSON.stringify(header));
      const file = new Uint8Array(8 + hb.byteLength + chunks.length * 2);
      const dv = new DataView(file.buffer);
      dv.setBigUint64(0, BigInt(hb.byteLength), true);
      file.set(hb, 8);
      chunks.forEach((u, i) => dv.setUint16(8 + hb.byteLength + 2 * i, u, true));
      const d = path.join(dir, dtype);
      mkdirSync(d);
      writeFileSync(path.join(d, 'model.safetensors'), file);
      writeFileSync(path.join(d, 'config.json'), readFileSync(await saveConfigOnly(model, path.join(dir, `${dtype}-cfg`))));
      const back = await loadModel(d);
      expect(back.dtype).toBe('float32');
      const w = back.getModule('model.layers.0.mlp.up_proj')!;
      const w0 = model.getModule('model.layers.0.mlp.up_proj')!;
      if (w.kind !== 'linear' || w0.kind !== 'linear') throw new Error('not linear');
      for (let i = 0; i < w.weight.size; i++) {
        expect(Math.abs(w.weight.data[i] - w0.weight.data[i])).toBeLessThanOrEqual(Math.abs(w0.weight.data[i]) * tol + 1e-7);
      }
      const a = model.forward(tokens), b = back.forward(tokens);
      expect(maxAbsDiff(a.data, b.data)).toBeLessThan(dtype === 'F16' ? 0.05 : 0.3);
    }
  });
});

async function saveConfigOnly(model: Parameters<typeof saveSafetensors>[0], d: string): Promise<string> {
  await saveSafetensors(model, d);
  return path.join(d, 'config.json');
}
