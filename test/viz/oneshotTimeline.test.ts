/** A one-shot journal's timeline: its modifiers start on calibration events, not "after finalize" or "never". */
import { describe, expect, it } from 'vitest';
import { createSession, createSyntheticModel, journalRecords, memorySink, readJournal, recordOneshot } from '../../src/index.ts';
import { buildTimeline, renderAscii, scheduleFromRecords } from '../../src/viz/index.ts';

describe('timeline of a one-shot journal', () => {
  it('draws the calibration modifier as started and ended at step 0, with no never-starts flag', () => {
    const recipe = 'quant_stage:\n  quant_modifiers:\n    GPTQModifier:\n      targets: [Linear]\n      ignore: [lm_head]\n      scheme: W8A8\n';
    const options = { seed: 0, dim: 32, hiddenDim: 64, layers: 1, heads: 4, kvHeads: 2, vocab: 32 };
    const model = createSyntheticModel(options);
    const sink = memorySink();
    createSession(() => recordOneshot({ model, recipe, calibrationData: [[1, 2, 3], [4, 5, 6]] }, sink, { recipe, model: { source: 'synthetic', options, model } }));
    const records = journalRecords(readJournal(sink.bytes()));
    const timeline = buildTimeline(records, scheduleFromRecords(records));
    const [gptq] = timeline.tracks;
    expect([gptq.startedAt, gptq.endedAt]).toEqual([0, 0]);
    expect(gptq.problem).toBeNull();
    expect(gptq.notStarted).toBeNull();
    const text = renderAscii(timeline, { columns: 100 });
    expect(text).toContain('started step 0, ended step 0');
    expect(text).not.toContain('after finalize');
    expect(text).not.toContain('never started');
  });
});
