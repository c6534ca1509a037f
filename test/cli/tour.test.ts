/** `llmc-sim tour` (npm start): every stage runs and leaves files a user can open and replay. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tour } from '../../src/cli/commands/tour/index.ts';
import { replayJournal } from '../../src/log/index.ts';
import { main } from '../../src/cli/main.ts';

describe('llmc-sim tour', () => {
  it('trains with a journal that replays, verifies, compresses and writes the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-tour-'));
    const lines: string[] = [];
    await tour({ out: dir, seed: 0, epochs: 3, stepsPerEpoch: 4, fidelity: 'default', columns: 100 }, (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toMatch(/replay matches: \d+ calls/);
    expect(text).toContain('every property holds or is a known quirk');
    expect(text).toContain('ended-had-started: violated (known quirk Q8)');
    expect(text).toMatch(/pruned \+ SpinQuant \+ W4A16 \(stage 2\)\s+\d/);
    const replay = replayJournal(join(dir, 'run.llog'));
    expect(replay.divergence).toBeNull();
    expect(replay.calls).toBeGreaterThan(60);
    // The one-shot stage's journal starts from run.llog's final model: its replay replays run.llog first.
    expect(text).toMatch(/journal .*oneshot\.llog \(\d+ calls, from the final model of .*run\.llog\), replay matches/);
    const oneshot = replayJournal(join(dir, 'oneshot.llog'));
    expect(oneshot.divergence).toBeNull();
    expect(oneshot.journal.header.model).toMatchObject({ source: 'journal', journal: { file: 'run.llog', calls: replay.journal.end!.end, sha256: replay.journal.end!.sha256 } });
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/<input id="step" type="range"/);
    expect(html).toContain('MagnitudePruning');
    expect(html).toContain('Outputs against the float model');
  });

  it('names a recipe without the two stages it needs (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-tour-'));
    const recipe = join(dir, 'r.yaml');
    writeFileSync(recipe, 'quant_stage:\n  m:\n    QuantizationModifier: {targets: [Linear], scheme: W4A16, ignore: [lm_head]}\n');
    const err: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(await main(['tour', recipe, '--out', join(dir, 'out')])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.join('')).toContain("has no 'sparsity_stage' stage");
    expect(existsSync(join(dir, 'out', 'run.llog'))).toBe(false);
  });
});
