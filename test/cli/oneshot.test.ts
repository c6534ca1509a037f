import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressOneshot, runOneshot, type OneshotCliOptions } from '../../src/cli/commands/oneshot/index.ts';
import { saveCompressed } from '../../src/cli/commands/oneshot/save.ts';
import { createSyntheticModel, loadModel, Recipe } from '../../src/index.ts';
import type { Model } from '../../src/model/model.ts';
import type { Linear } from '../../src/model/modules.ts';

const defaults: OneshotCliOptions = { seed: 0, samples: 2, length: 8, fidelity: 'default', quiet: true };
const tmp = () => mkdtempSync(join(tmpdir(), 'llmc-oneshot-'));
const TOKENS = [1, 5, 9, 2, 7, 3];
const logits = (m: Model) => Array.from(m.forward(TOKENS).data);

async function capture(recipe: string, opts: Partial<OneshotCliOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  await runOneshot(recipe, { ...defaults, ...opts }, (l) => out.push(l), (l) => err.push(l));
  return { out: out.join('\n'), err: err.join('\n') };
}

describe('llmc-sim oneshot', () => {
  it('runs examples/spinquant.yaml, says what each modifier did, and saves model + config + recipe', async () => {
    const dir = tmp();
    const { out, err } = await capture('examples/spinquant.yaml', { output: dir });
    expect(out).toMatch(/SpinQuantModifier: rotated: R1 fused into \d+ weights; R2 fused into \d+ weights; R3 online at \d+ sites; R4 fused into \d+ weights \+ online at \d+ sites/);
    expect(out).toContain('QuantizationModifier: quantized the weights of 14 modules; input activations of 14');
    expect(out).toContain(`saved: ${join(dir, 'model.safetensors')}`);
    for (const f of ['model.safetensors', 'config.json', 'recipe.yaml']) expect(existsSync(join(dir, f))).toBe(true);
    // The recipe it ran parses back to the same modifiers.
    expect(Recipe.createInstance(join(dir, 'recipe.yaml')).modifiers.map((m) => m.constructor.name)).toEqual(['SpinQuantModifier', 'QuantizationModifier']);
    // What the weights cannot hold is said, once.
    expect(err.match(/online rotations \(R3\/R4 hooks\) and activation fake-quantization hooks are not stored/g)).toHaveLength(1);
  });

  it('examples/spinquant.yaml: the saved weights are exactly the compressed model\'s', async () => {
    const dir = tmp();
    const { model, recipeYaml } = await compressOneshot('examples/spinquant.yaml', defaults);
    await saveCompressed(model, recipeYaml, dir);
    const loaded = await loadModel(dir);
    for (const [name, m] of model.namedModules()) {
      if (m.kind !== 'linear' && m.kind !== 'embedding' && m.kind !== 'rmsnorm') continue;
      expect(Array.from((loaded.getModule(name) as Linear).weight.data), name).toEqual(Array.from(m.weight.data));
    }
  });

  it('a recipe whose compression lives in the weights (R1+R2, W4A16): loadModel(dir) gives the same logits', async () => {
    const dir = tmp();
    const recipe = join(dir, 'r1r2-w4a16.yaml');
    writeFileSync(
      recipe,
      'quant_stage:\n  quant_modifiers:\n    SpinQuantModifier:\n      rotations: [R1, R2]\n      transform_type: hadamard\n      center_embeddings: false\n' +
        '    QuantizationModifier:\n      targets: [Linear]\n      scheme: W4A16\n      ignore: [lm_head]\n',
    );
    const { model, recipeYaml } = await compressOneshot(recipe, defaults);
    const out = join(dir, 'model');
    await saveCompressed(model, recipeYaml, out);
    const loaded = await loadModel(out);
    expect(logits(loaded)).toEqual(logits(model));
    expect(logits(loaded)).not.toEqual(logits(createSyntheticModel({ seed: 0 })));
    expect(readFileSync(join(out, 'recipe.yaml'), 'utf8')).toContain('W4A16');
  });

  it('without --output saves nothing and says how to', async () => {
    const { out } = await capture('examples/spinquant.yaml');
    expect(out).toContain('not saved (give --output DIR');
  });

  it('names a missing recipe (exit 2)', async () => {
    await expect(capture('no/such.yaml')).rejects.toThrow('recipe: no such file: no/such.yaml');
  });
});
