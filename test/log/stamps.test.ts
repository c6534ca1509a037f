/**
 * The stamped recording (src/log/tap.ts) against the one that reports every hook: a call whose effects
 * look like the last of its code by their `onEvent` hooks, but not by their `onUpdate` hooks, because a
 * modifier started itself in a call of another code between them.
 */
import { describe, expect, it } from 'vitest';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { EventType } from '../../src/core/events.ts';
import { memorySink, readJournal, recordTo, replayJournal } from '../../src/log/index.ts';
import { describeEffect } from '../../src/log/effects.ts';
import { ScriptedModifier } from '../helpers/scriptedModifier.ts';
import { setWarningSink } from '../../src/core/logger.ts';

/** The journal `calls` make on a fresh lifecycle: passive (`loud` false: stamps) or beside a `records$` subscriber (every hook reported). */
function recorded(loud: boolean, calls: (lc: CompressionLifecycle) => void): Uint8Array {
  const lc = new CompressionLifecycle();
  const sink = memorySink();
  const sub = loud ? lc.records$.subscribe(() => {}) : null;
  const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'test' } });
  calls(lc);
  rec.close();
  sub?.unsubscribe();
  return sink.bytes();
}

function record(loud: boolean): Uint8Array {
  return recorded(loud, (lc) => {
    // Calls 1 (batch_start) and 3 (batch_start) have the same onEvent hooks; call 2 starts the modifier, so call 3 also has onUpdate.
    lc.initialize({ recipe: [new ScriptedModifier({}, ['nothing', 'startItself', 'nothing'])], stepsPerEpoch: 2 });
    lc.event(EventType.BATCH_START, { globalStep: 0 });
    lc.event(EventType.LOSS_CALCULATED, { globalStep: 0, loss: 0.5 });
    lc.event(EventType.BATCH_START, { globalStep: 1 });
    lc.finalize();
  });
}

describe('stamped recording', () => {
  it('a call with the same onEvent hooks as the last of its code, but another onUpdate, is stored with its own effects', () => {
    const quiet = record(false);
    expect(Buffer.from(quiet).equals(Buffer.from(record(true)))).toBe(true);
    const j = readJournal(quiet);
    const effects = (n: number) => j.calls[n].fx!.w.map((w) => describeEffect(w, j.calls[n].fx!.g, () => 'ScriptedModifier'));
    expect(effects(1)).toEqual(['call event batch_start accepted', 'ScriptedModifier#0 onEvent (batch_start)']);
    expect(effects(3)).toEqual(['call event batch_start accepted', 'ScriptedModifier#0 onEvent (batch_start)', 'ScriptedModifier#0 onUpdate (batch_start)']);
  });
});

describe('stamped recording: a hook that changes the event type', () => {
  function run(loud: boolean): Uint8Array {
    return recorded(loud, (lc) => {
      lc.initialize({ recipe: [new ScriptedModifier({ start: 0 }, ['retype', 'nothing']), new ScriptedModifier({ end: 0 }, ['nothing'])], stepsPerEpoch: 2 });
      try {
        lc.event(EventType.BATCH_START, { globalStep: 0 });
      } catch {
        // recorded
      }
    });
  }
  it('is recorded as when every hook is reported', () => {
    expect(Buffer.from(run(false)).equals(Buffer.from(run(true)))).toBe(true);
  });
});

describe('stamped recording: reports in the middle of a call', () => {
  // Three started modifiers; in the call at step 1, #1 reports a domain effect in its onEvent and #2 warns in its
  // onUpdate. The modifiers go on stamping after the first report; what they stamp is written before the next one.
  function run(loud: boolean): Uint8Array {
    const quiet4 = ['nothing', 'nothing', 'nothing', 'nothing'] as const;
    return recorded(loud, (lc) => {
      lc.initialize({
        recipe: [
          new ScriptedModifier({ start: 0 }, ['nothing']),
          new ScriptedModifier({ start: 0 }, [...quiet4, 'effect', 'nothing']),
          new ScriptedModifier({ start: 0 }, [...quiet4, 'nothing', 'warn']),
        ],
        stepsPerEpoch: 4,
      });
      for (let g = 0; g < 3; g++) {
        lc.event(EventType.BATCH_START, { globalStep: g });
        lc.event(EventType.BATCH_END, { globalStep: g });
      }
      lc.finalize();
    });
  }

  it('keeps every hook in order around the reports, as when every hook is reported', () => {
    const previous = setWarningSink(() => {});
    try {
      const quiet = run(false);
      expect(Buffer.from(quiet).equals(Buffer.from(run(true)))).toBe(true);
      const j = readJournal(quiet);
      const effects = j.calls[3].fx!.w.map((w) => describeEffect(w, j.calls[3].fx!.g, () => 'S'));
      expect(effects.map((e) => (e.startsWith('{') ? (JSON.parse(e) as { type: string }).type : e))).toEqual([
        'call event batch_start accepted',
        'S#0 onEvent (batch_start)',
        'S#0 onUpdate (batch_start)',
        'S#1 onEvent (batch_start)',
        'effect.modifier',
        'S#1 onUpdate (batch_start)',
        'S#2 onEvent (batch_start)',
        'S#2 onUpdate (batch_start)',
        'effect.warning',
      ]);
    } finally {
      setWarningSink(previous);
    }
  });
});

describe('recorded options', () => {
  it('an own __proto__ option and a string option come back as given', () => {
    const lc = new CompressionLifecycle();
    const sink = memorySink();
    const rec = recordTo(lc, sink, { recipe: null, settings: { driver: 'test' } });
    lc.initialize({ recipe: [new ScriptedModifier({}, ['nothing'])] });
    lc.event(EventType.BATCH_START, { globalStep: 0 });
    lc.event(EventType.BATCH_END, JSON.parse('{"globalStep": 0, "__proto__": "kept"}') as Record<string, unknown>);
    lc.event(EventType.BATCH_START, { globalStep: 1, note: 'text' });
    lc.finalize();
    rec.close();
    const j = readJournal(sink.bytes());
    expect(JSON.stringify(j.calls[2].c)).toBe('{"call":"event","type":"batch_end","options":{"globalStep":0,"__proto__":"kept"}}');
    expect(j.calls[3].c).toEqual({ call: 'event', type: 'batch_start', options: { globalStep: 1, note: 'text' } });
    expect(replayJournal(j, { recipe: () => [new ScriptedModifier({}, ['nothing'])] }).divergence).toBeNull();
  });
});
