import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventType } from '../../src/core/events.ts';
import { defaultConfig, probe, scaledConfig, type VerifyConfig } from '../../src/verify/config.ts';
import { explore } from '../../src/verify/explore.ts';
import { BUILTIN_PROPERTIES, findProperties, type Property } from '../../src/verify/properties.ts';
import { verify } from '../../src/verify/verify.ts';
import { formatCounterexample, reproduce, type Counterexample } from '../../src/verify/counterexample.ts';
import { CounterexampleFileError, loadCounterexample, saveCounterexample } from '../../src/verify/saveCounterexample.ts';
import { JournalDamageError, writeJournal } from '../../src/log/index.ts';

const verdicts = (config: VerifyConfig) => Object.fromEntries(verify(config).properties.map((p) => [p.name, p.text]));
const shortCalls = (cx: Counterexample | null) =>
  cx?.calls.map((c) => (c.call === 'event' ? `${c.type}${c.options.globalStep === undefined ? '' : `@${c.options.globalStep}`}${c.options.loss === undefined ? '' : '+loss'}` : c.call));

describe('verify: verdicts on the built-in configuration', () => {
  it("'default': everything holds but Q8, found in two calls", () => {
    // Act
    const report = verify(defaultConfig('default'));
    // Assert
    expect(report.ok).toBe(true);
    expect(report.complete).toBe(true);
    const bad = report.properties.filter((p) => p.verdict !== 'holds');
    expect(bad.map((p) => [p.name, p.text])).toEqual([['ended-had-started', 'violated (known quirk Q8)']]);
    expect(shortCalls(bad[0].counterexample)).toEqual(['initialize', 'batch_end@2']);
  });

  it("'reference': Q1 and Q3 show up as known quirks, each with its shortest counterexample", () => {
    const report = verify(defaultConfig('reference'));
    const byName = Object.fromEntries(report.properties.map((p) => [p.name, p]));
    expect(report.ok).toBe(true);
    expect(byName['starts-on-schedule'].text).toBe('violated (known quirk Q1)');
    expect(shortCalls(byName['starts-on-schedule'].counterexample)).toEqual(['initialize', 'batch_start@1']);
    expect(byName['refused-loss-keeps-order'].text).toBe('violated (known quirk Q3)');
    expect(shortCalls(byName['refused-loss-keeps-order'].counterexample)).toEqual(['initialize', 'batch_start', 'loss_calculated']);
    // In 'reference' no event carries a step, so end: 2 never fires and Q8 is out of reach.
    expect(byName['ended-had-started'].text).toBe('holds');
  });

  it('hook behaviours: throwing and false-returning hooks break no built-in property', () => {
    const config: VerifyConfig = {
      probes: [probe({ start: 0, end: 1, raisesIn: 'onEnd' }), probe({ start: 0, initializeReturns: false }), probe({ end: 1, finalizeReturns: false })],
      fidelity: 'default',
      steps: [0, 1],
    };
    expect(Object.values(verdicts(config)).filter((t) => t === 'VIOLATED')).toEqual([]);
  });

  it('a user property that fails is VIOLATED, with a counterexample that reproduces on the real lifecycle', () => {
    // Arrange
    const neverStarts: Property = {
      kind: 'state',
      name: 'never-starts',
      description: 'no modifier starts',
      expect: { default: 'holds', reference: 'holds' },
      holds: (s) => s.modifiers.every((m) => !m.started),
    };
    // Act
    const report = verify(defaultConfig('default'), { properties: [neverStarts] });
    // Assert
    expect(report.ok).toBe(false);
    const cx = report.properties[0].counterexample!;
    expect(shortCalls(cx)).toEqual(['initialize']);
    expect(reproduce(cx, neverStarts)).toMatchObject({ reproduced: true, atCall: 1 });
  });

  it('a transition property and a bounded pattern are checked too', () => {
    const noBatchEnd: Property = {
      kind: 'transition',
      name: 'no-accepted-batch-end',
      description: '',
      expect: { default: 'holds', reference: 'holds' },
      holds: (t) => !(t.call.call === 'event' && t.call.type === EventType.BATCH_END && t.error === null),
    };
    const quietAfterInit: Property = {
      kind: 'pattern',
      name: 'no-hook-twice-after-initialize',
      description: '',
      expect: { default: 'holds', reference: 'holds' },
      trigger: (t) => t.call.call === 'initialize' && t.error === null,
      bad: (t) => t.hooks.some((h) => h.hook === 'onUpdate'),
      release: (t) => t.call.call === 'reset',
      within: 2,
    };
    const report = verify(defaultConfig('default'), { properties: [noBatchEnd, quietAfterInit] });
    expect(report.properties.map((p) => shortCalls(p.counterexample))).toEqual([
      ['initialize', 'batch_end'],
      ['initialize', 'batch_start'],
    ]);
    for (const p of report.properties) expect(reproduce(p.counterexample!, p.name === noBatchEnd.name ? noBatchEnd : quietAfterInit).reproduced).toBe(true);
  });
});

describe('verify: exploration', () => {
  it('a depth bound cuts the search: fewer states and not complete; more depth only adds', () => {
    const counts = [1, 2, 3, 6].map((d) => explore(defaultConfig('default'), { depth: d, properties: [] }));
    expect(counts.map((r) => r.complete)).toEqual([false, false, false, true]);
    for (let i = 1; i < counts.length; i++) expect(counts[i].states).toBeGreaterThan(counts[i - 1].states);
    expect(counts[0].states).toBe(2); // fresh, and initialized (every other call is refused or a no-op)
  });

  it('reports depth, transitions and coverage of the order machine', () => {
    const r = explore(defaultConfig('default'), { depth: 12, properties: [] });
    expect(r.transitions).toBe(r.states * r.model.calls.length);
    expect(r.depthReached).toBeLessThan(12);
    expect(r.coverage.order).toMatchObject({ covered: 25, total: 25, missed: [] });
    expect(r.coverage.modifiers).toHaveLength(3);
    expect(r.coverage.modifiers[2].edges).toContain('initialized --event(batch_end)--> ended'); // Q8
    expect(r.coverage.modifiers[0].edges).not.toContain('initialized --event(batch_end)--> ended'); // starts at initialize
  });

  it('state counts grow with the number of modifiers, never shrink', () => {
    const states = [1, 2, 3, 4, 5, 6].map((n) => explore(scaledConfig(n), { depth: 40, properties: [] }).states);
    for (let i = 1; i < states.length; i++) expect(states[i]).toBeGreaterThanOrEqual(states[i - 1]);
    expect(states[5]).toBeGreaterThan(states[0]);
  });

  it('names an unknown property and lists the known ones', () => {
    expect(() => findProperties(['nope'])).toThrow(/unknown property 'nope'; known: finalized-was-initialized, /);
    expect(findProperties(['order-rule'])[0]).toBe(BUILTIN_PROPERTIES.find((p) => p.name === 'order-rule'));
  });
});

describe('counterexamples', () => {
  const cx = verify(defaultConfig('reference')).properties.find((p) => p.name === 'refused-loss-keeps-order')!.counterexample!;

  it('print readably', () => {
    expect(formatCounterexample(cx)).toContain("counterexample for 'refused-loss-keeps-order' (fidelity 'reference', 3 calls):\n   1. initialize(recipe)\n   2. event(BATCH_START)\n   3. event(LOSS_CALCULATED)\nrecipe:\n  verify_stage:");
  });

  it('save, load and reproduce the quirk on the real lifecycle (Q3)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'llmc-cx-')), 'cx.json');
    saveCounterexample(file, cx);
    const back = loadCounterexample(file);
    expect(back).toEqual(cx);
    const property = findProperties([back.property])[0];
    const r = reproduce(back, property);
    expect(r).toMatchObject({ reproduced: true, atCall: 3 });
    expect(r.transitions[2]).toMatchObject({ error: 'E46', before: { last: 'batch_start' }, after: { last: 'loss_calculated' } });
  });

  it("does not reproduce under 'default', where Q3 is fixed", () => {
    const property = findProperties([cx.property])[0];
    expect(reproduce({ ...cx, fidelity: 'default' }, property).reproduced).toBe(false);
  });

  it('is written as a journal; a damaged or foreign one is named and never rewritten', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmc-cx-'));
    const file = join(dir, 'cx.llog');
    saveCounterexample(file, cx);
    const bytes = readFileSync(file);
    // One changed byte in the last call's record (the closing record after it is 39 bytes): the journal's checksums locate it.
    const damaged = Buffer.from(bytes);
    damaged[bytes.length - 45] ^= 1;
    writeFileSync(file, damaged);
    expect(() => loadCounterexample(file)).toThrow(JournalDamageError);
    expect(readFileSync(file)).toEqual(damaged); // never rewritten
    // A journal of a training run is not a counterexample.
    const run = join(dir, 'run.llog');
    writeJournal(run, { recipe: cx.recipeText, settings: { driver: 'training' } }, []);
    expect(() => loadCounterexample(run)).toThrow(CounterexampleFileError);
    expect(() => saveCounterexample(file, cx)).toThrow(/already exists/);
  });
});
