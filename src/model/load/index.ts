/**
 * Loading and saving models: `loadModel` reads a llama2.c checkpoint (`.bin`) or Hugging Face safetensors
 * (a directory holding model.safetensors + config.json, or a `.safetensors` file with config.json beside it);
 * `saveSafetensors` writes the latter as one set (both files new, or both old).
 *
 * Reading never hangs and never allocates more than the files hold: a model file must be a regular file
 * (a FIFO, a device such as /dev/zero, or a link to one is a named error before anything is read); it is
 * read once, at the size fstat reported; every size in its header and in config.json is checked against
 * that size before tensors or modules are built.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ValueError } from '../../core/errors.ts';
import { OutputError, recoverFileSet, writeFileSet, type WriteOptions } from '../../io/index.ts';
import type { Tensor } from '../../tensor/tensor.ts';
import { configFromHF, configToHF } from '../config.ts';
import { buildModel, expectedTensors } from '../build.ts';
import type { Model } from '../model.ts';
import { checkConfigFits } from './budget.ts';
import { parseLlama2c } from './llama2c.ts';
import { parseSafetensors, serializeSafetensors } from './safetensors.ts';

/** config.json is a few kilobytes; anything past this is not a config. */
const MAX_CONFIG_BYTES = 16 << 20;

const codeOf = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of `file`, which must be a regular file (links are followed). Opened non-blocking so a FIFO
 * cannot stall the open; the size comes from fstat of the opened file, and exactly that many bytes are read.
 */
function readRegularFile(file: string, what: string, maxBytes = Infinity): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new ValueError(`${file}: cannot read ${what} (${codeOf(e)})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ValueError(`${file}: cannot read ${what}: it is ${kindOf(st)}; a model is read only from a regular file of known size`);
    if (st.size > maxBytes) throw new ValueError(`${file}: ${what} is ${st.size} bytes, over the limit of ${maxBytes} bytes`);
    const buf = new Uint8Array(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) throw new ValueError(`${file}: ${what} shrank while being read (${got} of ${st.size} bytes)`);
      got += n;
    }
    return buf;
  } catch (e) {
    if (e instanceof ValueError) throw e;
    throw new ValueError(`${file}: cannot read ${what} (${codeOf(e)})`);
  } finally {
    closeSync(fd);
  }
}

/** The files `loadModel(p)` reads (a writer refuses to replace them in the same run). */
export function modelInputFiles(p: string, isDir: boolean): string[] {
  if (!isDir && p.endsWith('.bin')) return [p];
  const dir = isDir ? p : path.dirname(p);
  return [isDir ? path.join(p, 'model.safetensors') : p, path.join(dir, 'config.json')];
}

/**
 * Load a model.
 * - `*.bin`: llama2.c checkpoint (ropeStyle 'interleaved'; a positive vocab_size means tied embeddings).
 * - a directory, or a `*.safetensors` file: safetensors weights with HF Llama names and `config.json`
 *   from the same directory (ropeStyle 'half' unless config.json says `llmc_sim_rope_style`). A directory
 *   left with the marker of an interrupted `saveSafetensors` gets its old files back first.
 *
 * @throws {ValueError} naming the file and what is wrong (expected vs actual bytes or shapes, a field's type).
 */
export async function loadModel(p: string): Promise<Model> {
  if (typeof p !== 'string' || p === '') throw new ValueError(`loadModel: expected a path, got ${JSON.stringify(p) ?? String(p)}`);
  let isDir = false;
  try {
    isDir = (await stat(p)).isDirectory();
  } catch (e) {
    throw new ValueError(`${p}: cannot read model file (${codeOf(e)})`);
  }
  if (!isDir && p.endsWith('.bin')) return parseLlama2c(readRegularFile(p, 'model file'), p);
  if (!isDir && !p.endsWith('.safetensors')) {
    throw new ValueError(`${p}: unknown model format: expected a llama2.c .bin, a .safetensors file or a directory`);
  }
  const dir = isDir ? p : path.dirname(p);
  recoverFileSet(dir);
  const [weightsFile, configFile] = modelInputFiles(p, isDir);
  let json: unknown;
  const text = new TextDecoder().decode(readRegularFile(configFile, 'model file', MAX_CONFIG_BYTES));
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${configFile}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ValueError(`${configFile}: expected a JSON object`);
  const config = configFromHF(json as Record<string, unknown>, configFile);
  const tensors = parseSafetensors(readRegularFile(weightsFile, 'model file'), weightsFile);
  checkConfigFits(config, tensors, configFile, weightsFile);
  return buildModel(config, tensors, weightsFile);
}

/** `inputs`: files this run read (e.g. from {@link modelInputFiles}); the save refuses to replace them. */
export type SaveOptions = WriteOptions;

/**
 * Write `dir/model.safetensors` and `dir/config.json` (HF names; F32, or F64 for float64 weights; lm_head
 * omitted while tied, as HF does) as one set through src/io's `writeFileSet`: afterwards the directory
 * holds both new files or both old ones, also if the process dies half-way.
 */
export async function saveSafetensors(model: Model, dir: string, options: SaveOptions = {}): Promise<void> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw OutputError.from(dir, e);
  }
  const byName = new Map<string, Tensor>();
  for (const [name, m] of model.namedModules()) {
    if (m.kind === 'linear' || m.kind === 'embedding' || m.kind === 'rmsnorm') byName.set(`${name}.weight`, m.weight);
    if (m.kind === 'linear' && m.bias) byName.set(`${name}.bias`, m.bias);
  }
  const config = { ...model.config, tieWordEmbeddings: model.tied };
  const entries: Array<[string, Tensor]> = [];
  for (const [name] of expectedTensors(config)) entries.push([name, byName.get(name)!]);
  for (const [name, t] of byName) if (name.endsWith('.bias')) entries.push([name, t]);
  writeFileSet([
    { path: path.join(dir, 'model.safetensors'), data: serializeSafetensors(entries, { format: 'pt' }) },
    { path: path.join(dir, 'config.json'), data: JSON.stringify(configToHF(config, model.dtype), null, 2) + '\n' },
  ], options);
}
