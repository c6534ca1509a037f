/**
 * Snapshots are a cache: for any training run (seed, length, fidelity) and any N, `stateAt(journal, N)`
 * from the snapshot cache — after another `--to M` filled it — is exactly the state replayed from
 * the start, and the cache's file form reads back to the same answer.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { memorySink, readJournal, SnapshotCache, stateAt, writeJournal } from '../../src/log/index.ts';
import { decodeSnapshots, encodeSnapshots } from '../../src/log/snapshotFile.ts';
import { trainingRun } from '../../test/log/fixture.ts';

describe('snapshots for --to N', () => {
  it('from a snapshot or from the start, the state after call N is the same', () => {
    let resumed = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom('default' as const, 'reference' as const),
        fc.integer({ min: 0, max: 1 << 20 }),
        fc.integer({ min: 0, max: 1 << 20 }),
        (seed, epochs, stepsPerEpoch, fidelity, fillAt, askAt) => {
          const { header, calls } = trainingRun(seed, epochs, stepsPerEpoch);
          const sink = memorySink();
          writeJournal(sink, { ...header, fidelity }, calls);
          const j = readJournal(sink.bytes());
          const total = j.calls.length;
          const m = 1 + (fillAt % total);
          const n = 1 + (askAt % total);
          const cache = new SnapshotCache();
          stateAt(j, m, { snapshots: cache });
          const fromFile = new SnapshotCache(decodeSnapshots(encodeSnapshots(cache.snapshots)));
          const plain = stateAt(j, n);
          const cached = stateAt(j, n, { snapshots: fromFile });
          expect(JSON.stringify({ ...cached, startedAt: 0 })).toBe(JSON.stringify(plain));
          if (cached.startedAt > 0) resumed++;
          expect(fromFile.notes).toEqual([]);
        },
      ),
      { numRuns: 25 },
    );
    expect(resumed).toBeGreaterThan(0);
  });
});
