/**
 * `verify` numbers: exhaustive exploration of the built-in three-modifier configuration to depth 12
 * (goal: under 10 s), state counts for 1 to 6 modifiers and how they grow, and states per second
 * beside SPIN's on the same exported model in the same run (goal ≥ 0.5× SPIN). Table preparation
 * (reading each modifier's behaviour off real probes) and SPIN's compile time are reported apart.
 *
 *   npx tsx bench/verify.ts
 */
import { fileURLToPath } from 'node:url';
import { defaultConfig, scaledConfig, type VerifyConfig } from '../src/verify/config.ts';
import { explore } from '../src/verify/explore.ts';
import { BUILTIN_PROPERTIES } from '../src/verify/properties.ts';
import { toPromela } from '../src/verify/promela.ts';
import { compileSpin, spinAvailable } from '../src/verify/spin.ts';
import type { BenchRow } from './types.ts';

const now = () => performance.now() / 1000;
const BIG_STEPS = [0, 1, 2, 3, 4, 5, 6, 7];

/** Best of `k` searches (tables prepared once per exploration, timed apart). */
function bestSearch(config: VerifyConfig, k: number) {
  let best = explore(config, { depth: 100, properties: [], now });
  for (let i = 1; i < k; i++) {
    const r = explore(config, { depth: 100, properties: [], now });
    if (r.seconds < best.seconds) best = r;
  }
  return best;
}

export async function benchVerify(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // Goal 1: exhaustive for three modifiers to depth 12, every built-in property checked.
  const t0 = now();
  const three = explore(defaultConfig('default'), { depth: 12, properties: BUILTIN_PROPERTIES, now });
  const t3 = now() - t0;
  rows.push({
    name: 'verify: 3 modifiers, depth 12, all properties',
    seconds: t3,
    ratio: `${(t3 / 10).toFixed(3)}× of the 10 s goal`,
    note: `${three.states} states, ${three.transitions} transitions, depth ${three.depthReached}, ${three.complete ? 'complete' : 'bounded'}; tables ${three.prepareSeconds.toFixed(3)} s`,
  });

  // State counts and growth, 1 to 6 modifiers.
  for (const steps of [[0, 1, 2], BIG_STEPS]) {
    let prev = 0;
    for (let n = 1; n <= 6; n++) {
      const r = explore({ ...scaledConfig(n), steps }, { depth: 100, properties: [], now });
      rows.push({
        name: `verify: ${n} modifier${n > 1 ? 's' : ''}, ${steps.length} steps`,
        seconds: r.seconds + r.prepareSeconds,
        ratio: prev ? `×${(r.states / prev).toFixed(2)} states` : '',
        note: `${r.states} states, ${r.transitions} transitions, depth ${r.depthReached}`,
      });
      prev = r.states;
    }
  }

  // Beside SPIN on the same model.
  const config: VerifyConfig = { ...scaledConfig(6), steps: BIG_STEPS };
  const ours = bestSearch(config, 5);
  const oursRate = ours.states / ours.seconds;
  rows.push({ name: 'verify: explorer search, 6 modifiers × 8 steps', seconds: ours.seconds, note: `${ours.states} states, ${Math.round(oursRate)} states/s (best of 5; tables ${ours.prepareSeconds.toFixed(3)} s apart)` });
  if (!spinAvailable()) {
    rows.push({ name: 'verify: SPIN', seconds: 0, note: 'skipped: spin or gcc not on PATH' });
    return rows;
  }
  const pan = compileSpin(toPromela(config), { now });
  let spin = pan.run();
  for (let i = 1; i < 5; i++) {
    const s = pan.run();
    if (s.wallSeconds < spin.wallSeconds) spin = s;
  }
  pan.dispose();
  const spinRate = spin.statesStored / spin.wallSeconds;
  rows.push({ name: 'verify: SPIN compile (spin -a + gcc -O2)', seconds: spin.compileSeconds });
  rows.push({
    name: 'verify: SPIN ./pan run, same model',
    seconds: spin.wallSeconds,
    ratio: `explorer ${(oursRate / spinRate).toFixed(2)}× SPIN states/s (wall)`,
    note:
      `${spin.statesStored} states stored (explorer ${ours.states} + pan's pre-init state), ${Math.round(spinRate)} states/s by wall clock; ` +
      (spin.seconds > 0 ? `by pan's own timer ${spin.seconds} s, ${Math.round(spin.statesStored / spin.seconds)} states/s: explorer ${(oursRate / (spin.statesStored / spin.seconds)).toFixed(2)}×` : "pan's own timer reads 0 s"),
  });
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchVerify()) console.log([r.name, r.seconds.toFixed(4), r.ratio ?? '', r.note ?? ''].join(' | '));
}
