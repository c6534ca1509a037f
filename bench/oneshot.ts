/**
 * Oneshot benchmarks (spinquant.md §6–§10), each figure measured in this run:
 * 1. stories260K: SpinQuant R1+R2+R4 + 4-bit weights, whole `oneshot` (drift probes included). W4A16's group
 *    128 does not divide stories260K's 64/172-wide layers (T34), so weights are int4 channel-wise through
 *    `config_groups`, and the rotations are `random-hadamard` (172 is no power of two).
 * 2. One synthetic decoder layer shaped like LLaMA-2 7B (4096/11008, 32 heads, vocab 512): R1+R2+R4 Hadamard
 *    with transform_block_size 128 + W4A16 (ignore lm_head); model build and oneshot timed apart.
 * 3. "Fused R1+R2 make the forward pass no slower": forward (64 tokens) before and after an R1+R2 oneshot
 *    (no quantization, center_embeddings false), median of interleaved repetitions, ratio after/before.
 *
 *   npx tsx bench/oneshot.ts
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setWarningSink } from '../src/core/logger.ts';
import { createSyntheticModel, loadModel, type Model } from '../src/model/index.ts';
import { QuantizationModifier } from '../src/modifiers/quantization/index.ts';
import { SpinQuantModifier } from '../src/modifiers/spinquant/index.ts';
import type { Modifier } from '../src/modifiers/modifier.ts';
import { oneshot } from '../src/sim/oneshot.ts';
import type { BenchRow } from './types.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const STORIES = path.resolve(repoRoot, '..', 'shared', 'models', 'stories260K.bin');

const seconds = (t0: number): number => (performance.now() - t0) / 1000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function tokens(n: number, vocab: number): number[] {
  return Array.from({ length: n }, (_, i) => (i * 37 + 1) % vocab);
}

/** Median seconds of `oneshot` over `reps` runs, each on a fresh clone of `base`. */
function timeOneshot(base: Model, recipe: () => Modifier[], reps: number): number {
  const s: number[] = [];
  for (let i = 0; i < reps; i++) {
    const model = base.clone();
    const t0 = performance.now();
    oneshot({ model, recipe: recipe() });
    s.push(seconds(t0));
  }
  return median(s);
}

/** Float32 weights that are subnormal (0 < |w| < 2^-126) or any weight not float32: the usual slow-forward suspects. */
function weightSuspects(m: Model): string {
  let subnormal = 0;
  const dtypes = new Set<string>();
  for (const [, mod] of m.namedModules()) {
    if (!('weight' in mod) || !mod.weight) continue;
    dtypes.add(mod.weight.dtype);
    for (const v of mod.weight.data) if (v !== 0 && Math.abs(v) < 2 ** -126) subnormal++;
  }
  return `weights ${[...dtypes].join('/')}, ${subnormal} subnormal`;
}

/** Forward seconds of `before` and `after` on the same tokens, interleaved (alternating order) to cancel drift. */
function forwardBeforeAfter(before: Model, after: Model, t: number[], reps: number): { before: number; after: number } {
  for (let i = 0; i < 3; i++) {
    before.forward(t);
    after.forward(t);
  }
  const b: number[] = [];
  const a: number[] = [];
  for (let i = 0; i < reps; i++) {
    for (const which of i % 2 ? ['before', 'after'] : ['after', 'before']) {
      const m = which === 'before' ? before : after;
      const t0 = performance.now();
      m.forward(t);
      (which === 'before' ? b : a).push(seconds(t0));
    }
  }
  return { before: median(b), after: median(a) };
}

const channelInt4 = () =>
  new QuantizationModifier({
    config_groups: { group_0: { targets: ['Linear'], weights: { num_bits: 4, type: 'int', strategy: 'channel', symmetric: true } } },
    ignore: ['lm_head'],
  });

export async function benchOneshot(): Promise<BenchRow[]> {
  // T20 (centring drift, expected with the default center_embeddings) would print once per run: count instead.
  const warnings = new Map<string, number>();
  const prev = setWarningSink((m) => {
    const key = m.startsWith('center_embeddings changed') ? 'T20 center_embeddings drift' : m;
    warnings.set(key, (warnings.get(key) ?? 0) + 1);
  });
  try {
    const rows = await benchRows();
    if (warnings.size) rows.push({ name: 'oneshot warnings (counted, not printed)', seconds: 0, note: [...warnings].map(([m, n]) => `${n}× ${m}`).join('; ') });
    return rows;
  } finally {
    setWarningSink(prev);
  }
}

async function benchRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // 1. stories260K, whole oneshot
  const stories = await loadModel(STORIES);
  const sStories = timeOneshot(
    stories,
    () => [new SpinQuantModifier({ rotations: ['R1', 'R2', 'R4'], transformType: 'random-hadamard' }), channelInt4()],
    5,
  );
  rows.push({
    name: 'oneshot stories260K: SpinQuant R1+R2+R4 + int4 weights', seconds: sStories,
    note: 'random-hadamard (172 is no power of two); int4 channel-wise via config_groups, ignore lm_head (W4A16 group 128 does not divide 64/172: T34); drift probes included; median of 5',
  });

  // 2. one LLaMA-2-7B-shaped decoder layer
  let t0 = performance.now();
  const big = createSyntheticModel({ dim: 4096, hiddenDim: 11008, layers: 1, heads: 32, kvHeads: 32, vocab: 512 });
  const sBuild = seconds(t0);
  t0 = performance.now();
  oneshot({
    model: big,
    recipe: [
      new SpinQuantModifier({ rotations: ['R1', 'R2', 'R4'], transformBlockSize: 128 }),
      new QuantizationModifier({ targets: 'Linear', scheme: 'W4A16', ignore: ['lm_head'] }),
    ],
  });
  const sBig = seconds(t0);
  const rssGiB = process.memoryUsage().rss / 2 ** 30;
  rows.push({
    name: 'oneshot 1 LLaMA-2-7B-shaped layer: R1+R2+R4 hadamard (block 128) + W4A16', seconds: sBuild + sBig,
    note: `build ${sBuild.toFixed(3)} s + oneshot ${sBig.toFixed(3)} s; 4096/11008, 32 heads/32 KV heads, vocab 512 (not 32000); ignore lm_head; 1 run; RSS ${rssGiB.toFixed(1)} GiB after`,
  });

  // 3. forward before/after fused R1+R2
  const r1r2 = (): Modifier[] => [new SpinQuantModifier({ rotations: ['R1', 'R2'], centerEmbeddings: false })];
  for (const [name, base, reps] of [
    ['stories260K', stories, 61],
    ['synthetic default (256/512, 2 layers)', createSyntheticModel(), 31],
  ] as const) {
    const after = base.clone();
    oneshot({ model: after, recipe: r1r2() });
    const t = tokens(64, base.config.vocabSize);
    const r = forwardBeforeAfter(base, after, t, reps);
    rows.push({ name: `model.forward ${name} 64 tokens, before R1+R2`, seconds: r.before });
    rows.push({
      name: `model.forward ${name} 64 tokens, after fused R1+R2`, seconds: r.after,
      ratio: `${(r.after / r.before).toFixed(3)}x before`,
      note: `hadamard (default type), center_embeddings false, untied lm_head; ${weightSuspects(after)}; median of ${reps} interleaved`,
    });
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of await benchOneshot()) {
    console.log(`${r.name.padEnd(76)} ${(r.seconds * 1000).toFixed(2).padStart(10)} ms${r.ratio ? `  ${r.ratio}` : ''}${r.note ? `  (${r.note})` : ''}`);
  }
}
