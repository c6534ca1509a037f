/**
 * `verify` numbers: exhaustive exploration of the built-in three-modifier configuration to depth 12
 * (goal: under 10 s), state counts for 1 to 6 modifiers and how they grow, and states per second
 * beside SPIN's on the same exported model in the same run (goal ≥ 0.5× SPIN). Table preparation
 * (reading each modifier's behaviour off real probes) and SPIN's compile time are reported apart.
 *
 *   npx tsx bench/verify.ts
 */
import { fileURLToPath } from 'node:url';
import { defaultConfig, probe, scaledConfig, type VerifyConfig } from '../src/verify/config.ts';
import { explore } from '../src/verify/explore.ts';
import { BUILTIN_PROPERTIES, type Property } from '../src/verify/properties.ts';
import { PROMELA_PROPERTIES, toPromela } from '../src/verify/promela.ts';
import { compileSpin, spinAvailable } from '../src/verify/spin.ts';
import type { BenchRow } from './types.ts';

const now = () => performance.now() / 1000;
const BIG_STEPS = [0, 1, 2, 3, 4, 5, 6, 7];

/** Best of `k` searches (tables prepared once per exploration, timed apart). */
function bestSearch(config: VerifyConfig, k: number, properties: readonly Property[] = []) {
  let best = explore(config, { depth: 100, properties, now });
  for (let i = 1; i < k; i++) {
    const r = explore(config, { depth: 100, properties, now });
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

  // State counts when the schedules differ: how the count grows with modifiers that imply no other.
  let prevSpread = 0;
  for (let n = 1; n <= 8; n++) {
    const r = explore(spreadConfig(n, 8), { depth: 100, properties: [], now });
    rows.push({
      name: `verify: ${n} distinct schedule${n > 1 ? 's' : ''}, 8 steps`,
      seconds: r.seconds + r.prepareSeconds,
      ratio: prevSpread ? `×${(r.states / prevSpread).toFixed(2)} states` : '',
      note: `${r.states} states, ${r.transitions} transitions, depth ${r.depthReached}`,
    });
    prevSpread = r.states;
  }

  // Beside SPIN on the same model, large enough that per-state work dominates both (10⁴–10⁵ states):
  // eight probes with distinct schedules over eight steps, the properties pan checks checked by both.
  for (const [n, stepCount] of SPIN_SIZES) await beside(rows, spreadConfig(n, stepCount));
  return rows;
}

/** Sizes compared with SPIN: [modifiers, steps]. */
const SPIN_SIZES: ReadonlyArray<readonly [number, number]> = [
  [6, 8],
  [8, 8],
];

/**
 * `n` probes whose schedules differ (start `i mod steps`, lasting 1 to 3 steps) over steps 0…steps−1:
 * unlike `scaledConfig`, few of them imply each other, so the state count grows with `n`.
 */
function spreadConfig(n: number, stepCount: number): VerifyConfig {
  const steps = Array.from({ length: stepCount }, (_, i) => i);
  return { probes: Array.from({ length: n }, (_, i) => probe({ start: i % stepCount, end: (i % stepCount) + 1 + (i % 3) })), fidelity: 'default', steps };
}

/** The properties both searches check: those the Promela export carries. */
const SHARED_PROPERTIES = BUILTIN_PROPERTIES.filter((p) => (PROMELA_PROPERTIES as readonly string[]).includes(p.name));

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** One search timed on both clocks: `explore` reads its clock before the tables, after them, and at the end. */
function timedSearch(config: VerifyConfig, properties: readonly Property[]) {
  const cpu: number[] = [];
  const r = explore(config, { depth: 100, properties, now: () => (cpu.push(cpuNow()), now()) });
  return { ...r, cpuSeconds: cpu[2] - cpu[1] };
}

async function beside(rows: BenchRow[], config: VerifyConfig): Promise<void> {
  const label = `${config.probes.length} modifiers × ${config.steps.length} steps`;
  // Best of 3 on each clock: CPU time is what a quiet machine would show; wall time is stretched by other jobs.
  const runs = [0, 1, 2].map(() => timedSearch(config, SHARED_PROPERTIES));
  const ours = runs[0];
  const oursCpu = Math.min(...runs.map((r) => r.cpuSeconds));
  const oursWall = Math.min(...runs.map((r) => r.seconds));
  rows.push({
    name: `verify: explorer, ${label}, ${SHARED_PROPERTIES.length} properties`,
    seconds: oursCpu,
    note: `${ours.states} states, ${ours.transitions} transitions; CPU ${oursCpu.toFixed(3)} s = ${Math.round(ours.states / oursCpu)} states/s; wall ${oursWall.toFixed(3)} s = ${Math.round(ours.states / oursWall)} states/s (best of 3 each; tables ${ours.prepareSeconds.toFixed(3)} s apart)`,
  });
  if (!spinAvailable()) {
    rows.push({ name: `verify: SPIN, ${label}`, seconds: 0, note: 'skipped: spin or gcc not on PATH' });
    return;
  }
  const pan = compileSpin(toPromela(config), { now, hashBits: 22 });
  const pans = [0, 1, 2].map(() => pan.run());
  pan.dispose();
  const spin = pans[0];
  const panCpu = Math.min(...pans.map((r) => r.cpuSeconds));
  const panOwn = Math.min(...pans.map((r) => r.seconds));
  const panWall = Math.min(...pans.map((r) => r.wallSeconds));
  const rate = (seconds: number) => Math.round(spin.statesStored / seconds);
  rows.push({ name: `verify: SPIN compile (spin -a + gcc -O2), ${label}`, seconds: spin.compileSeconds, note: 'apart from the search' });
  rows.push({
    name: `verify: SPIN ./pan, ${label}`,
    seconds: panCpu,
    ratio:
      `explorer ${(ours.states / oursCpu / (spin.statesStored / panCpu)).toFixed(2)}× SPIN states/s by CPU time (goal ≥ 0.5×); ` +
      `${(ours.states / oursWall / (spin.statesStored / panOwn)).toFixed(2)}× against pan's own timer`,
    note:
      `${spin.statesStored} states stored (explorer ${ours.states} + pan's pre-init state), ${spin.transitions} transitions; ` +
      `CPU (whole process) ${panCpu.toFixed(3)} s = ${rate(panCpu)} states/s; pan's own timer ${panOwn} s = ${rate(panOwn)} states/s; wall ${panWall.toFixed(3)} s (best of 3 each)`,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchVerify()) console.log([r.name, r.seconds.toFixed(4), r.ratio ?? '', r.note ?? ''].join(' | '));
}
