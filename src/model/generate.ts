/**
 * Greedy (temperature 0) generation: append the argmax of the last position's logits, `steps` times.
 * Recomputes the whole prefix each step (no KV cache): O(steps²), fine for tests and small models.
 */
import type { Model } from './model.ts';

export function generateGreedy(model: Model, prompt: readonly number[], steps: number): number[] {
  const seq = [...prompt];
  for (let s = 0; s < steps; s++) {
    const logits = model.forward(seq);
    const V = logits.cols, o = (seq.length - 1) * V;
    let best = 0;
    for (let i = 1; i < V; i++) if (logits.data[o + i] > logits.data[o + best]) best = i;
    seq.push(best);
  }
  return seq;
}
