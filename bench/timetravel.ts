/**
 * Time travel (issue 8 item 4): `replay --to N` near the end of a long training journal (the
 * built-in synthetic model, examples/training.yaml), re-executing calls 1…N from the start beside
 * restoring the snapshot cache file (FILE.snap) and re-executing only the calls after it. Both give
 * the same state (test/log/snapshot.test.ts); the first `--to N` pays for building the snapshot.
 *
 *   npx tsx bench/timetravel.ts
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntheticModel } from '../src/model/synthetic.ts';
import { readJournal, readSnapshotFile, SnapshotCache, snapshotPath, stateAt, trainingDriverCalls, writeJournal, writeSnapshotFile } from '../src/log/index.ts';
import { medianSeconds } from './timing.ts';
import type { BenchRow } from './types.ts';

const RECIPE = readFileSync(fileURLToPath(new URL('../examples/training.yaml', import.meta.url)), 'utf8');
const EPOCHS = 8;
const STEPS_PER_EPOCH = 50;

export async function benchTimetravel(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'llmc-bench-timetravel-'));
  try {
    const file = join(dir, 'run.llog');
    const model = createSyntheticModel({ seed: 0 });
    writeJournal(file, { seed: 0, recipe: RECIPE, settings: { driver: 'training', epochs: EPOCHS, stepsPerEpoch: STEPS_PER_EPOCH }, model: { source: 'synthetic', options: { seed: 0 }, model } },
      trainingDriverCalls({ recipe: RECIPE, epochs: EPOCHS, stepsPerEpoch: STEPS_PER_EPOCH, model, seed: 0 }));
    const journal = readJournal(file);
    const n = journal.calls.length - 3;
    const toN = (snapshots?: SnapshotCache) => stateAt(readJournal(file), n, { snapshots });
    const plain = medianSeconds(() => toN(), 1, 0);
    // `replay --to N` with the cache: read FILE.snap, restore, replay the rest, write it back when it changed
    const cached = () => {
      const cache = new SnapshotCache(readSnapshotFile(snapshotPath(file)));
      const r = toN(cache);
      if (cache.changed) writeSnapshotFile(snapshotPath(file), cache.snapshots, file);
      return r;
    };
    const build = medianSeconds(() => void cached(), 1, 0);
    let startedAt = 0;
    const fast = medianSeconds(() => void (startedAt = cached().startedAt), 3, 1);
    const size = statSync(snapshotPath(file)).size;
    const what = `${journal.calls.length} calls, ${EPOCHS * STEPS_PER_EPOCH} steps, synthetic model`;
    return [
      { name: `replay --to ${n}: from the start`, seconds: plain, note: what },
      { name: `replay --to ${n}: first run, writes FILE.snap`, seconds: build, ratio: `${(build / plain).toFixed(2)}× from the start`, note: `snapshot file ${(size / 2 ** 20).toFixed(1)} MiB` },
      { name: `replay --to ${n}: from FILE.snap`, seconds: fast, ratio: `${(plain / fast).toFixed(1)}× faster`, note: `restored at call ${startedAt}, re-executed ${n - startedAt} calls` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await benchTimetravel()) console.log(`${r.name.padEnd(44)} ${r.seconds.toFixed(3)} s  ${r.ratio ?? ''}  ${r.note ?? ''}`);
}
