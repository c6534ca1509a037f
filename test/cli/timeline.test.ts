import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timeline, formatFor } from '../../src/cli/commands/timeline/index.ts';
import { diagram } from '../../src/cli/commands/diagram/index.ts';
import { run } from '../../src/cli/commands/run/index.ts';
import { main } from '../../src/cli/main.ts';
import { RecordsFileError } from '../../src/viz/readRecords.ts';

const defaults = { epochs: 3, stepsPerEpoch: 4, batchesPerStep: 1, seed: 0, fidelity: 'default' as const };
const dir = mkdtempSync(join(tmpdir(), 'llmc-timeline-'));

async function capture(source: string, opts = {}) {
  const lines: string[] = [];
  await timeline(source, { ...defaults, ...opts }, (l) => lines.push(l));
  return lines.join('\n');
}

describe('llmc-sim timeline', () => {
  it('draws a recipe as ASCII by default, as wide as asked', async () => {
    const text = await capture('examples/training.yaml', { columns: 60 });
    expect(text).toContain('  pruning/MagnitudePruning |:.[=|=|=]---|');
    expect(text.split('\n').filter((l) => !l.startsWith('    ')).every((l) => l.length <= 60)).toBe(true);
  });

  it('picks the format from -o, writes the file whole and says so', async () => {
    const file = join(dir, 'report.html');
    const text = await capture('examples/training.yaml', { output: file });
    expect(text).toMatch(/^wrote .*report\.html \(\d+ bytes\)$/);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Modifier lifecycle (machines/modifier.machine.ts)');
    expect(formatFor({ output: 'x.svg' })).toBe('svg');
    expect(formatFor({ output: 'x.txt' })).toBe('ascii');
    expect(formatFor({ format: 'html', output: 'x.svg' })).toBe('html');
  });

  it('draws a run recorded with run --records like the recipe it ran', async () => {
    const file = join(dir, 'run.ndjson');
    await run('examples/training.yaml', { ...defaults, records: file }, () => {});
    const fromRecords = await capture(file, { columns: 80 });
    const fromRecipe = await capture('examples/training.yaml', { columns: 80 });
    expect(fromRecords).toBe(fromRecipe);
  });

  it('bad input: a missing file is a usage error, a damaged record file names its line and is left as it was', async () => {
    await expect(capture(join(dir, 'missing.yaml'))).rejects.toThrow(/timeline: no such file/);
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"seq":0,"type":"call.initialize","options":{}}\nnot json\n');
    await expect(capture(bad)).rejects.toThrow(RecordsFileError);
    await expect(capture(bad)).rejects.toThrow(`${bad}:2: not JSON`);
    expect(readFileSync(bad, 'utf8')).toContain('not json');
    expect(await main(['timeline', join(dir, 'missing.yaml')])).toBe(2);
  });

  it('an unreadable recipe gets the recipe errors (exit 1)', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'a: [');
    await expect(capture(bad)).rejects.toThrow(/RecipePathParseError|Could not parse recipe from path/);
    expect(await main(['timeline', bad])).toBe(1);
  });

  it('draws a journal (run --log, replayed) like the recipe it ran; a damaged journal is the journal error (exit 1)', async () => {
    const log = join(dir, 'run.llog');
    await run('examples/training.yaml', { ...defaults, log }, () => {});
    expect(await capture(log, { columns: 80 })).toBe(await capture('examples/training.yaml', { columns: 80 }));
    const bad = join(dir, 'bad.llog');
    writeFileSync(bad, 'garbage\n');
    await expect(capture(bad)).rejects.toThrow(/JournalDamageError|damaged journal at record 0/);
    expect(await main(['timeline', bad])).toBe(1);
    expect(readFileSync(bad, 'utf8')).toBe('garbage\n');
  });
});

describe('llmc-sim diagram', () => {
  it('prints Mermaid, DOT or writes SVG', async () => {
    const lines: string[] = [];
    await diagram('modifier', { format: 'mermaid' }, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/^stateDiagram-v2/);
    lines.length = 0;
    await diagram('order', { format: 'dot' }, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/^digraph "lifecycleOrder"/);
    const file = join(dir, 'modifier.svg');
    await diagram('modifier', { format: 'svg', output: file }, () => {});
    expect(readFileSync(file, 'utf8')).toContain('<svg');
  });

  it('an unknown machine is a usage error (exit 2)', async () => {
    expect(await main(['diagram', 'nope'])).toBe(2);
  });
});
