/**
 * Loading and saving models: `loadModel` reads a llama2.c checkpoint (`.bin`) or Hugging Face safetensors
 * (a directory holding model.safetensors + config.json, or a `.safetensors` file with config.json beside it);
 * `saveSafetensors` writes the latter, atomically.
 */
import { writeFileAtomic } from '../../io/atomicWrite.ts';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ValueError } from '../../core/errors.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { configFromHF, configToHF } from '../config.ts';
import { buildModel, expectedTensors } from '../build.ts';
import type { Model } from '../model.ts';
import { parseLlama2c } from './llama2c.ts';
import { parseSafetensors, serializeSafetensors } from './safetensors.ts';

async function read(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new ValueError(`${file}: cannot read model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * Load a model.
 * - `*.bin`: llama2.c checkpoint (ropeStyle 'interleaved'; a positive vocab_size means tied embeddings).
 * - a directory, or a `*.safetensors` file: safetensors weights with HF Llama names and `config.json`
 *   from the same directory (ropeStyle 'half' unless config.json says `llmc_sim_rope_style`).
 *
 * @throws {ValueError} naming the file and what is wrong (expected vs actual bytes or shapes).
 */
export async function loadModel(p: string): Promise<Model> {
  let isDir = false;
  try {
    isDir = (await stat(p)).isDirectory();
  } catch (e) {
    throw new ValueError(`${p}: cannot read model file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!isDir && p.endsWith('.bin')) return parseLlama2c(await read(p), p);
  if (!isDir && !p.endsWith('.safetensors')) {
    throw new ValueError(`${p}: unknown model format: expected a llama2.c .bin, a .safetensors file or a directory`);
  }
  const dir = isDir ? p : path.dirname(p);
  const weightsFile = isDir ? path.join(p, 'model.safetensors') : p;
  const configFile = path.join(dir, 'config.json');
  let json: unknown;
  const text = new TextDecoder().decode(await read(configFile));
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${configFile}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null) throw new ValueError(`${configFile}: expected a JSON object`);
  const config = configFromHF(json as Record<string, unknown>, configFile);
  const tensors = parseSafetensors(await read(weightsFile), weightsFile);
  return buildModel(config, tensors, weightsFile);
}


/**
 * Write `dir/model.safetensors` and `dir/config.json` (HF names; F32, or F64 for float64 weights; lm_head
 * omitted while tied, as HF does). Each file goes to a temporary name first and is renamed into place.
 */
export async function saveSafetensors(model: Model, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const byName = new Map<string, Tensor>();
  for (const [name, m] of model.namedModules()) {
    if (m.kind === 'linear' || m.kind === 'embedding' || m.kind === 'rmsnorm') byName.set(`${name}.weight`, m.weight);
    if (m.kind === 'linear' && m.bias) byName.set(`${name}.bias`, m.bias);
  }
  const config = { ...model.config, tieWordEmbeddings: model.tied };
  const entries: Array<[string, Tensor]> = [];
  for (const [name] of expectedTensors(config)) entries.push([name, byName.get(name)!]);
  for (const [name, t] of byName) if (name.endsWith('.bias')) entries.push([name, t]);
  await writeFileAtomic(path.join(dir, 'model.safetensors'), serializeSafetensors(entries, { format: 'pt' }));
  await writeFileAtomic(path.join(dir, 'config.json'), JSON.stringify(configToHF(config, model.dtype), null, 2) + '\n');
}
