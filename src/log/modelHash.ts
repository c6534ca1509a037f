/**
 * Content hashes of models (node:crypto SHA-256): per tensor for a journal's model identity (so a
 * replay names the tensor that differs), and one over all tensors for the hash after a call that
 * changed the weights. The cost per step is in `npm run bench` (journal rows).
 */
import { createHash } from 'node:crypto';
import type { Model } from '../model/model.ts';
import type { Tensor } from '../tensor/tensor.ts';

const bytesOf = (t: Tensor | Uint8Array): Uint8Array =>
  t instanceof Uint8Array ? t : new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

export function tensorSha256(t: Tensor | Uint8Array): string {
  return createHash('sha256').update(bytesOf(t)).digest('hex');
}

/** Every parameter tensor under its HF name (`….weight`, `….bias`), in module order; a tied head is listed once per name. */
export function namedTensors(model: Model): Array<[string, Tensor]> {
  const out: Array<[string, Tensor]> = [];
  for (const [name, m] of model.namedModules()) {
    if (m.kind === 'linear' || m.kind === 'embedding' || m.kind === 'rmsnorm') out.push([`${name}.weight`, m.weight]);
    if (m.kind === 'linear' && m.bias) out.push([`${name}.bias`, m.bias]);
  }
  return out;
}

/** Per-tensor SHA-256, the model identity a journal header carries. */
export function tensorHashes(model: Model): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, t] of namedTensors(model)) out[name] = tensorSha256(t);
  return out;
}

/** One SHA-256 over every tensor's name, dtype, shape and bytes. */
export function modelSha256(model: Model): string {
  const h = createHash('sha256');
  for (const [name, t] of namedTensors(model)) {
    h.update(`${name}:${t.dtype}:${t.shape.join('x')};`);
    h.update(bytesOf(t));
  }
  return h.digest('hex');
}
