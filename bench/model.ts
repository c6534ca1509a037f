/**
 * Forward-pass timings for src/model: stories260K at 64 tokens, the synthetic default at 16 and 64 tokens,
 * float64 weights, and the cost of hooks. Run alone with `npx tsx bench/model.ts`.
 */
import { fileURLToPath } from 'node:url';
import { createSyntheticModel, loadModel, type Linear, type Model } from '../src/model/index.ts';
import type { BenchRow } from './types.ts';
import { medianSeconds } from './timing.ts';

const STORIES = fileURLToPath(new URL('../models/stories260K.bin', import.meta.url));

function tokens(n: number, vocab: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 37 + 1) % vocab);
}

/** Median seconds per call over `reps` calls, after 3 warm-up calls. */
const time = (fn: () => void, reps: number, warmup = 3): number => medianSeconds(fn, reps, warmup);

function macsPerToken(m: Model): number {
  let n = 0;
  for (const [, mod] of m.namedModules()) if (mod.kind === 'linear') n += mod.weight.size;
  return n;
}

export async function benchModel(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const stories = await loadModel(STORIES);
  const t64 = tokens(64, 512);
  const sStories = time(() => stories.forward(t64), 20);
  rows.push({
    name: 'model.forward stories260K 64 tokens (float32)', seconds: sStories,
    note: `${((macsPerToken(stories) * 64) / sStories / 1e9).toFixed(2)} GMAC/s in Linear layers`,
  });
  const s64 = stories.clone().to('float64');
  const sStories64 = time(() => s64.forward(t64), 20);
  rows.push({ name: 'model.forward stories260K 64 tokens (float64)', seconds: sStories64, ratio: `${(sStories64 / sStories).toFixed(2)}x float32` });

  const synth = createSyntheticModel();
  for (const n of [16, 64]) {
    const t = tokens(n, 512);
    const sec = time(() => synth.forward(t), n === 16 ? 30 : 10);
    rows.push({
      name: `model.forward synthetic default (256/512, 2 layers) ${n} tokens`, seconds: sec,
      note: `${((macsPerToken(synth) * n) / sec / 1e9).toFixed(2)} GMAC/s in Linear layers`,
    });
  }
  const hooked = synth.clone();
  for (const [, m] of hooked.namedModules()) if (m.kind === 'linear') (m as Linear).registerForwardPreHook(() => undefined);
  const t16 = tokens(16, 512);
  const base = time(() => synth.forward(t16), 30);
  const withHooks = time(() => hooked.forward(t16), 30);
  rows.push({ name: 'model.forward synthetic 16 tokens, a no-op pre-hook on every Linear', seconds: withHooks, ratio: `${(withHooks / base).toFixed(2)}x no hooks` });

  rows.push({ name: 'model.contentHash synthetic default', seconds: time(() => synth.contentHash(), 10) });
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await loadModel(STORIES);
    loads.push((performance.now() - t0) / 1000);
  }
  rows.push({ name: 'loadModel stories260K.bin', seconds: loads.sort((a, b) => a - b)[2] });
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of await benchModel()) {
    console.log(`${r.name.padEnd(72)} ${(r.seconds * 1000).toFixed(2).padStart(9)} ms${r.ratio ? `  ${r.ratio}` : ''}${r.note ? `  (${r.note})` : ''}`);
  }
}
