import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  diffJournals,
  JournalDamageError,
  JournalModelError,
  readJournal,
  replayJournal,
  serializeRecord,
  stateAt,
  toJsonValue,
  journalRecords,
  writeJournal,
  recordTo,
  memorySink,
  Timeline,
} from '../../src/log/index.ts';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { simulateTraining } from '../../src/sim/training.ts';
import { createSyntheticModel } from '../../src/model/synthetic.ts';
import { AppendPathError } from '../../src/io/appendOnly.ts';
import { journalBytes, recordStarts, RECIPE, smallHeader, smallModel, trainingRun } from './fixture.ts';
import { JournalEncoder } from '../../src/log/encoder.ts';
import { hookWord, eventCode } from '../../src/log/effects.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'llmc-journal-'));

describe('serializeRecord / toJsonValue', () => {
  it('turns a model into a hashed reference, never its weights', () => {
    const model = createSyntheticModel({ seed: 0 });
    const json = JSON.stringify(toJsonValue({ model, w: model.lmHead.weight, m: model.getModule('lm_head') }));
    expect(json.length).toBeLessThan(400);
    expect(json).toMatch(/"\$model":\{"sha256":"[0-9a-f]{64}"\}/);
    expect(json).toMatch(/"\$tensor":\{"dtype":"float32","shape":\[512,256\],"sha256":"[0-9a-f]{64}"\}/);
    expect(json).toContain('"$module":{"name":"lm_head","className":"Linear"}');
  });

  it('keeps plain data, marks non-finite numbers and cycles', () => {
    const o: Record<string, unknown> = { a: [1, 'x', null, true], n: NaN };
    o.self = o;
    expect(toJsonValue(o)).toEqual({ a: [1, 'x', null, true], n: { $number: 'NaN' }, self: { $cycle: true } });
  });

  it('a recorded initialize record of a real run is small', () => {
    const lc = new CompressionLifecycle();
    const lines: string[] = [];
    lc.records$.subscribe((r) => lines.push(JSON.stringify(serializeRecord(r))));
    simulateTraining({ recipe: RECIPE, epochs: 1, stepsPerEpoch: 1, model: createSyntheticModel({ seed: 0 }), lifecycle: lc });
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(2000);
  });
});

describe('record and replay', () => {
  it('a training run replays, call by call, and a passive recording equals writeJournal byte for byte', () => {
    const { header, calls } = trainingRun(3);
    const bytes = journalBytes(header, calls);
    const j = readJournal(bytes);
    expect(j.damage).toBeNull();
    expect(j.calls.length).toBe(calls.length);
    expect(j.calls.filter((c) => c.c.call === 'optimizerStep').length).toBe(6);
    const r = replayJournal(j);
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(calls.length);

    const model = smallModel(3);
    const lc = new CompressionLifecycle();
    const sink = memorySink();
    const rec = recordTo(lc, sink, smallHeader(3, 'default', model));
    simulateTraining({ recipe: RECIPE, epochs: 3, stepsPerEpoch: 2, model, seed: 3, lifecycle: lc, onOptimizerStep: (g, lr) => rec.optimizerStep(g, lr) });
    rec.close();
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('a different optimizer changes the model hash and the replay diverges there', () => {
    const { header, calls } = trainingRun(1);
    const bytes = journalBytes(header, calls);
    const text = new TextDecoder().decode(bytes);
    // Re-record the same calls with the optimizer's lr changed at one step: a new, self-consistent journal.
    const changed = calls.map((c) => (c.call === 'optimizerStep' && c.globalStep === 2 ? { ...c, lr: 0.5 } : c));
    const other = journalBytes(smallHeader(1), changed);
    expect(new TextDecoder().decode(other)).not.toBe(text);
    const d = diffJournals(bytes, other);
    expect(d.header).toEqual([]);
    expect(d.first?.what).toBe('call');
    const stored = readJournal(bytes);
    // The journal's calls replayed against a model that was nudged differently: tamper with one call's expected hash.
    const bad = { ...stored, calls: stored.calls.map((c) => (c.n === 20 ? { ...c, m: 'f'.repeat(64) } : c)) };
    const r = replayJournal(bad);
    expect(r.divergence).toMatchObject({ call: 20, what: 'model' });
    expect(r.calls).toBe(19);
  });

  it('an edited effect is a divergence at that call, with the step, the event and the first differing effect', () => {
    const { header, calls } = trainingRun(2);
    const j = readJournal(journalBytes(header, calls));
    const at = j.calls[8];
    const type = (at.c as { type?: string }).type ?? null;
    // The journal claims one more effect: ConstantPruningModifier (position 1) started at this call.
    const extra = hookWord(1, 1, eventCode(type));
    const bad = { ...j, calls: j.calls.map((c) => (c.n === 9 ? { ...c, fx: { w: [...c.fx!.w, extra], g: c.fx!.g } } : c)) };
    const r = replayJournal(bad);
    expect(r.divergence).toMatchObject({ call: 9, what: 'effects' });
    expect(r.divergence!.event).toBe(type ?? at.c.call);
    expect(r.divergence!.effect).toEqual({ index: at.fx!.w.length, expected: `ConstantPruningModifier#1 onStart${type ? ` (${type})` : ''}`, got: null });
    // And the other way round: an effect the journal does not have.
    const missing = { ...j, calls: j.calls.map((c) => (c.n === 9 ? { ...c, fx: { w: c.fx!.w.slice(0, -1), g: c.fx!.g } } : c)) };
    const d = replayJournal(missing).divergence!;
    expect(d.effect).toMatchObject({ index: at.fx!.w.length - 1, expected: null });
    expect(d.effect!.got).toMatch(/#\d /);
  });

  it('re-encoding the entries read from a journal gives its bytes back', () => {
    const { header, calls } = trainingRun(6);
    const bytes = journalBytes(header, calls);
    const j = readJournal(bytes);
    const sink = memorySink();
    const enc = new JournalEncoder(sink, j.header);
    for (const c of j.calls) enc.entry(c);
    enc.end(j.calls.length);
    expect(Buffer.from(sink.bytes()).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses the wrong model and names the tensor', () => {
    const { header, calls } = trainingRun(0);
    const bytes = journalBytes({ ...header, model: { source: 'tiny.bin', model: header.model!.model } }, calls);
    expect(() => replayJournal(bytes)).toThrow(/pass it with --model PATH/);
    const other = smallModel(9);
    expect(() => replayJournal(bytes, { model: other })).toThrow(JournalModelError);
    expect(() => replayJournal(bytes, { model: other })).toThrow(/tensor 'model\.embed_tokens\.weight' differs/);
    expect(replayJournal(bytes, { model: smallModel(0) }).divergence).toBeNull();
  });

  it('a recording tap leaves records$ as it is, and a second tap is refused', () => {
    const run = (withTap: boolean) => {
      const model = smallModel(5);
      const lc = new CompressionLifecycle();
      const seen: string[] = [];
      const rec = withTap ? recordTo(lc, memorySink(), smallHeader(5, 'default', model)) : null;
      lc.records$.subscribe((r) => seen.push(JSON.stringify(serializeRecord(r))));
      if (withTap) expect(() => recordTo(lc, memorySink(), smallHeader(5, 'default', model))).toThrow(/a recording tap is already attached/);
      simulateTraining({ recipe: RECIPE, epochs: 2, stepsPerEpoch: 2, model, seed: 5, lifecycle: lc, onOptimizerStep: rec ? (g, lr) => rec.optimizerStep(g, lr) : undefined });
      rec?.close();
      return seen;
    };
    const plain = run(false);
    expect(plain.length).toBeGreaterThan(50);
    expect(run(true)).toEqual(plain);
  });

  it('journalRecords re-derives the records$ stream of the recording', () => {
    const { header, calls } = trainingRun(5, 2, 2);
    const model = smallModel(5);
    const lc = new CompressionLifecycle();
    const live: string[] = [];
    const strip = (r: object) => JSON.stringify({ ...r, options: undefined });
    lc.records$.subscribe((r) => live.push(strip(r)));
    simulateTraining({ recipe: RECIPE, epochs: 2, stepsPerEpoch: 2, model, seed: 5, lifecycle: lc });
    const derived = journalRecords(journalBytes(header, calls)).map(strip);
    expect(derived).toEqual(live);
  });

  it('stateAt gives phases, order state, step, sparsity and the effects of call n; Timeline keeps frozen snapshots', () => {
    const { header, calls } = trainingRun(4);
    const bytes = journalBytes(header, calls);
    const j = readJournal(bytes);
    const last = j.calls.length;
    const end = stateAt(j, last).state;
    expect(end.finalized).toBe(true);
    expect(end.modifiers.map((m) => m.phase)).toEqual(['finalized', 'finalized']);
    const s = stateAt(j, 2).state;
    expect(s.globalStep).toBe(0);
    expect(s.orderState).toBe('batch_start');
    expect(s.modifiers.every((m) => m.initialized && !m.started)).toBe(true);
    expect(s.effects[0]).toMatchObject({ type: 'call.event', eventType: 'batch_start' });
    expect(Object.keys(s.model!.sparsity)).toContain('model.layers.0.self_attn.q_proj');
    expect(Object.isFrozen(s)).toBe(true);
    const t = new Timeline(j, 10);
    expect(t.snapshots.length).toBe(Math.floor(last / 10));
    expect(t.at(25)?.call).toBe(20);
    expect(t.at(25)?.globalStep).toBe(stateAt(j, 20).state.globalStep);
  });

  it('refused and throwing calls are recorded and replay the same', () => {
    const header = smallHeader(0);
    const calls = [
      { call: 'event', type: 'batch_start', options: { globalStep: 0 } },
      { call: 'initialize', options: { recipe: RECIPE, model: header.model!.model, stepsPerEpoch: 2 } },
      { call: 'event', type: 'batch_end', options: { globalStep: 0 } },
      { call: 'event', type: 'loss_calculated', options: { globalStep: 0 } },
      { call: 'finalize', options: {} },
      { call: 'finalize', options: {} },
      { call: 'event', type: 'no_such_event', options: {} },
    ] as const;
    const bytes = journalBytes(header, calls as never);
    const j = readJournal(bytes);
    expect(j.calls.length).toBe(7);
    expect(replayJournal(j).divergence).toBeNull();
  });
});

describe('files', () => {
  it('never overwrites an existing journal without force, names a missing directory', () => {
    const dir = tmp();
    const file = join(dir, 'run.llog');
    const { header, calls } = trainingRun(0, 1, 1);
    writeJournal(file, header, calls);
    const before = readFileSync(file);
    expect(() => writeJournal(file, header, calls)).toThrow(AppendPathError);
    expect(readFileSync(file).equals(before)).toBe(true);
    writeJournal(file, trainingRun(0, 1, 1).header, trainingRun(0, 1, 1).calls, { force: true });
    expect(readJournal(file).damage).toBeNull();
    expect(() => writeJournal(join(dir, 'nope', 'run.llog'), header, calls)).toThrow(/no such directory: .*nope/);
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });

  it('reading a damaged file never changes it', () => {
    const dir = tmp();
    const file = join(dir, 'cut.llog');
    const { header, calls } = trainingRun(0);
    const bytes = journalBytes(header, calls);
    const starts = recordStarts(bytes);
    // Cut 10 bytes before the closing record: the last call is torn.
    writeFileSync(file, bytes.subarray(0, starts[starts.length - 1] - 10));
    const before = readFileSync(file);
    expect(() => replayJournal(file)).toThrow(JournalDamageError);
    expect(() => replayJournal(file)).toThrow(new RegExp(`record ${calls.length} \\(byte offset ${starts[starts.length - 2]}\\): torn record`));
    const r = replayJournal(file, { recover: true });
    expect(r.calls).toBe(calls.length - 1);
    expect(r.dropped).toBe(1);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('an unknown version and a foreign file are reported at record 0', () => {
    const { header } = trainingRun(0, 1, 1);
    expect(() => readJournal(new TextEncoder().encode('{"hello":1}\n'))).toThrow(/record 0 \(byte offset 0\)/);
    expect(() => readJournal(new TextEncoder().encode('garbage'))).toThrow(/record 0 \(byte offset 0\): not an llmc-sim journal/);
    // A well-formed, checksummed header claiming version 99.
    const sink = memorySink();
    const enc = new JournalEncoder(sink, { ...readJournal(journalBytes(header, [])).header, version: 99 });
    enc.end(0);
    expect(() => readJournal(sink.bytes())).toThrow(/unknown journal version 99: this llmc-sim reads versions 1 to 3/);
  });
});

describe('version 1 (JSON Lines) journals', () => {
  const V1 = join(import.meta.dirname, 'fixtures', 'v1.llog');
  it('are read through the upcaster and replay, checked with the version-1 digest', () => {
    const j = readJournal(V1);
    expect(j.damage).toBeNull();
    expect(j.storedVersion).toBe(1);
    expect(j.header.version).toBe(3);
    expect(j.calls.length).toBe(26);
    expect(j.calls[0].fx).toBeUndefined();
    const r = replayJournal(j);
    expect(r.divergence).toBeNull();
    expect(r.calls).toBe(26);
    // The same run recorded today: the same calls, now with their effects, and the same records.
    const { header, calls } = trainingRun(11, 2, 2);
    const v2 = readJournal(journalBytes(header, calls));
    expect(v2.calls.map((c) => c.c)).toEqual(j.calls.map((c) => c.c));
    expect(v2.calls.map((c) => c.m)).toEqual(j.calls.map((c) => c.m));
    expect(journalRecords(v2)).toEqual(journalRecords(j));
  });

  it('an edited version-1 digest is a divergence; an edited byte is damage at its line', () => {
    const j = readJournal(V1);
    const bad = { ...j, calls: j.calls.map((c) => (c.n === 5 ? { ...c, e: '00000000' } : c)) };
    expect(replayJournal(bad).divergence).toMatchObject({ call: 5, what: 'effects', effect: null });
    const bytes = Buffer.from(readFileSync(V1));
    const starts = [0, ...[...bytes.keys()].filter((i) => bytes[i] === 0x0a && i + 1 < bytes.length).map((i) => i + 1)];
    bytes[starts[7] + 3] ^= 1;
    expect(readJournal(bytes).damage).toMatchObject({ record: 7, offset: starts[7] });
  });
});
