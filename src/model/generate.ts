/**
 * Greedy (temperature 0) generation: append the argmax of the last position's logits, `steps` times.
 * Runs the KV-cached decoder (one token-forward per token, `Model.decoder()`); its logits are bit-identical to
 * forward's, so the tokens are those of re-running `model.forward(seq)` each step.
 */
import { ValueError } from '../core/errors.ts';
import type { Model } from './model.ts';

export function generateGreedy(model: Model, prompt: readonly number[], steps: number): number[] {
  const seq = [...prompt];
  if (steps <= 0) return seq;
  if (seq.length === 0) throw new ValueError('generateGreedy needs at least one prompt token');
  const dec = model.decoder();
  let logits = dec.step(seq[0]);
  for (let i = 1; i < seq.length; i++) logits = dec.step(seq[i]);
  for (let s = 0; s < steps; s++) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    seq.push(best);
    if (s + 1 < steps) logits = dec.step(best);
  }
  return seq;
}
