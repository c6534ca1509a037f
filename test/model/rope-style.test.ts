import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, saveSafetensors, type Linear } from '../../src/model/index.ts';
import { STORIES, maxAbsDiff } from './helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'llmc-model-rope-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('RoPE styles', () => {
  it("'half' on HF-permuted q/k weights reproduces 'interleaved' on the originals", async () => {
    const model = await loadModel(STORIES);
    const hf = model.clone();
    const hd = 8;
    // the permutation HF's convert script applies: row h*hd + i ← 2i, row h*hd + hd/2 + i ← 2i+1
    for (let l = 0; l < 5; l++) {
      for (const proj of ['q_proj', 'k_proj']) {
        const m = hf.getModule(`model.layers.${l}.self_attn.${proj}`) as Linear;
        const w = m.weight.data, src = w.slice(), n = m.inFeatures;
        for (let h = 0; h < m.outFeatures / hd; h++) {
          for (let i = 0; i < hd / 2; i++) {
            w.set(src.subarray((h * hd + 2 * i) * n, (h * hd + 2 * i + 1) * n), (h * hd + i) * n);
            w.set(src.subarray((h * hd + 2 * i + 1) * n, (h * hd + 2 * i + 2) * n), (h * hd + hd / 2 + i) * n);
          }
        }
      }
    }
    await saveSafetensors(hf, dir);
    const cfgFile = path.join(dir, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgFile, 'utf8'));
    delete cfg.llmc_sim_rope_style; // a plain HF config: rotate_half
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const half = await loadModel(dir);
    expect(half.config.ropeStyle).toBe('half');
    const tokens = [1, 461, 461, 401, 401, 401, 461, 378, 455, 473];
    expect(maxAbsDiff(half.forward(tokens).data, model.forward(tokens).data)).toBeLessThan(1e-4);
    // and the unpermuted weights under 'half' are a different model
    expect(maxAbsDiff(hf.forward(tokens).data, model.forward(tokens).data)).toBeGreaterThan(1e-2);
  });
});
