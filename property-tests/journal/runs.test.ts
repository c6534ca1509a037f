/**
 * Run records (journal format 3): an event call that is its code's prediction (the option names of the
 * last call of its code in their order, each number advanced by the last difference, the predicted
 * step, the same effects) is one byte of a run record. For random event sequences whose options
 * sometimes follow an arithmetic progression and sometimes not — steps by 1, by other amounts or
 * repeating, constant extras, 0.1 steps, numbers near 2^53 and Number.MAX_VALUE (so that a prediction
 * overflows), −0 and 0, null, booleans, strings, keys added, removed or reordered, an own `__proto__`
 * key, options without a prototype — a recording (a) reads whole and replays, (b) decodes to each call's
 * options (as `toJsonValue` makes them: −0 is 0) in their key order and to each accepted call's step,
 * and (c) recording its replay gives the same bytes, live (`recordTo`) and from calls (`writeJournal`).
 * (d) Some cases do hold runs of many calls.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CompressionLifecycle } from '../../src/lifecycle/lifecycle.ts';
import { applyCall, type LifecycleCall } from '../../src/lifecycle/calls.ts';
import type { EventType } from '../../src/core/events.ts';
import { setWarningSink } from '../../src/core/logger.ts';
import { liveCall, memorySink, readJournal, recordTo, replayJournal, toJsonValue, writeJournal, type HeaderInput } from '../../src/log/index.ts';
import { RECORD_RUN } from '../../src/log/format.ts';
import { countingRecipe, frames } from '../../test/log/runFixture.ts';
import { EVENT_TYPE_VALUES, ORDERED_VALUES } from '../arbitraries/eventTypeValue.ts';

type Scalar = number | string | boolean | null;

/** How an option's value changes from step to step of a segment. */
type Series =
  | { kind: 'const'; value: Scalar }
  /** v, v + d, (v + d) + d, …: what a prediction follows (until it overflows). */
  | { kind: 'add'; start: number; delta: number }
  /** Each value `every` steps, then the next: a step that repeats. */
  | { kind: 'hold'; start: number; delta: number; every: number }
  /** Values with no progression. */
  | { kind: 'pick'; values: Scalar[] };

type Twist = 'drop' | 'add' | 'reverse' | 'nullProto' | 'protoKey' | 'text';

interface Segment {
  events: 'cycle' | 'single' | 'any';
  single: (typeof EVENT_TYPE_VALUES)[number];
  anyTypes: (typeof EVENT_TYPE_VALUES)[number][];
  fields: { key: string; series: Series }[];
  nullProto: boolean;
  protoKey: Scalar | undefined;
  steps: number;
  twists: { at: number; twist: Twist }[];
}

const EDGES = [0, -0, 1, -1, 0.1, 0.3, 2 ** 53 - 2, 2 ** 53, -(2 ** 53), 0x3fffffff, 0x40000000, -0x40000000, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_VALUE / 2, Number.MIN_VALUE, 1e308];
const number = fc.oneof({ arbitrary: fc.constantFrom(...EDGES), weight: 3 }, { arbitrary: fc.integer({ min: -50, max: 50 }), weight: 3 }, { arbitrary: fc.double(), weight: 1 });
const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  { arbitrary: number, weight: 4 },
  { arbitrary: fc.constantFrom<Scalar>(null, true, false, '', 'a note', '0'), weight: 2 },
  { arbitrary: fc.string({ maxLength: 4 }), weight: 1 },
);
const delta = fc.oneof({ arbitrary: fc.constantFrom(1, 1, 1, 0, -1, 2, 0.1, 0.5, 1e-300, 2 ** 52, 1e308, Number.MAX_VALUE), weight: 4 }, { arbitrary: number, weight: 1 });
const series: fc.Arbitrary<Series> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('const' as const), value: scalar }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('add' as const), start: number, delta }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('hold' as const), start: number, delta, every: fc.integer({ min: 2, max: 4 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('pick' as const), values: fc.array(scalar, { minLength: 1, maxLength: 4 }) }), weight: 1 },
);
/** globalStep: mostly by 1 from a small start, but any series. */
const stepSeries: fc.Arbitrary<Series> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('add' as const), start: fc.integer({ min: 0, max: 30 }), delta: fc.constant(1) }), weight: 6 },
  { arbitrary: series, weight: 3 },
);
const KEYS = ['loss', 'batchData', 'lr', 'note', 'x', 'y'];
const fields = fc
  .tuple(
    fc.option(stepSeries, { nil: undefined, freq: 5 }),
    fc.uniqueArray(fc.record({ key: fc.constantFrom(...KEYS), series }), { selector: (f) => f.key, maxLength: 3 }),
    fc.nat(),
  )
  .map(([step, extras, at]) => {
    const fs = [...extras];
    // loss is required by LOSS_CALCULATED: mostly there, as a constant.
    if (!fs.some((f) => f.key === 'loss') && at % 4 !== 0) fs.splice(at % (fs.length + 1), 0, { key: 'loss', series: { kind: 'const', value: 0.5 } });
    if (step) fs.splice(at % (fs.length + 1), 0, { key: 'globalStep', series: step });
    return fs;
  });
const eventType = fc.constantFrom(...EVENT_TYPE_VALUES);
const segment: fc.Arbitrary<Segment> = fc.record({
  events: fc.oneof({ arbitrary: fc.constant('cycle' as const), weight: 6 }, { arbitrary: fc.constant('single' as const), weight: 1 }, { arbitrary: fc.constant('any' as const), weight: 1 }),
  single: eventType,
  anyTypes: fc.array(eventType, { minLength: 1, maxLength: 7 }),
  fields,
  nullProto: fc.oneof({ arbitrary: fc.constant(true), weight: 1 }, { arbitrary: fc.constant(false), weight: 8 }),
  protoKey: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: scalar, weight: 1 }),
  steps: fc.integer({ min: 1, max: 40 }),
  twists: fc.array(fc.record({ at: fc.nat({ max: 199 }), twist: fc.constantFrom<Twist>('drop', 'add', 'reverse', 'nullProto', 'protoKey', 'text') }), { maxLength: 3 }),
});
const run = fc.record({
  fidelity: fc.constantFrom('default' as const, 'reference' as const),
  stepsPerEpoch: fc.constantFrom(1, 2, 10),
  segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
});

/** The value of `s` at step i of a segment. */
function valueAt(s: Series, i: number): Scalar {
  switch (s.kind) {
    case 'const':
      return s.value;
    case 'add': {
      let v = s.start;
      for (let k = 0; k < i; k++) v += s.delta;
      return v;
    }
    case 'hold': {
      let v = s.start;
      for (let k = 0; k < Math.floor(i / s.every); k++) v += s.delta;
      return v;
    }
    case 'pick':
      return s.values[i % s.values.length];
  }
}

function put(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** The event calls of a segment: options built in the segment's key order, some twisted. */
function* eventsOf(seg: Segment): Generator<{ type: string; options: Record<string, unknown> }> {
  let n = 0;
  for (let i = 0; i < seg.steps; i++) {
    const types = seg.events === 'cycle' ? ORDERED_VALUES : seg.events === 'single' ? [seg.single] : seg.anyTypes;
    for (const type of types) {
      const twists = seg.twists.filter((t) => t.at === n).map((t) => t.twist);
      n++;
      let entries: [string, unknown][] = seg.fields.map((f) => [f.key, valueAt(f.series, i)]);
      if (seg.protoKey !== undefined || twists.includes('protoKey')) entries.push(['__proto__', seg.protoKey ?? 1]);
      if (twists.includes('drop') && entries.length > 0) entries = entries.slice(1);
      if (twists.includes('add')) entries.push(['z', i]);
      if (twists.includes('reverse')) entries.reverse();
      if (twists.includes('text')) entries = entries.map(([k, v]) => [k, typeof v === 'number' && k !== 'globalStep' ? String(v) : v]);
      // A passive recording stores a refused call without its options (docs/journal-format.md, Limits), so a
      // replay cannot refuse a bad globalStep again: keep it a finite number (or null, where it overflowed).
      entries = entries.map(([k, v]) => [k, k === 'globalStep' ? (typeof v === 'number' && Number.isFinite(v) ? v : null) : v]);
      const options: Record<string, unknown> = seg.nullProto || twists.includes('nullProto') ? Object.create(null) : {};
      for (const [k, v] of entries) put(options, k, v);
      yield { type, options };
    }
  }
}

interface Made {
  type: string;
  options: Record<string, unknown>;
  /** The lifecycle's step after the call (whether it was accepted, refused, or threw from a hook). */
  step: number;
}

const HEADER: HeaderInput = { recipe: null, settings: { driver: 'property' } };
/** Options as text, −0 kept: a number −0 (stored field by field) and `{ $number: '-0' }` (stored as JSON) are the same option. */
const json = (o: unknown) => JSON.stringify(o, (_k, v: unknown) => (Object.is(v, -0) || (v !== null && typeof v === 'object' && (v as { $number?: unknown }).$number === '-0') ? '-0' : v));

/** Records the run live; the calls made, with what became of them, and the bytes. */
function record(r: { fidelity: 'default' | 'reference'; stepsPerEpoch: number; segments: Segment[] }) {
  const lc = new CompressionLifecycle({ fidelity: r.fidelity });
  const sink = memorySink();
  const rec = recordTo(lc, sink, HEADER);
  lc.initialize({ recipe: countingRecipe(), stepsPerEpoch: r.stepsPerEpoch, batchesPerStep: 1 });
  const made: Made[] = [];
  for (const seg of r.segments) {
    for (const { type, options } of eventsOf(seg)) {
      try {
        lc.event(type as EventType, options);
      } catch {
        // refused (recorded with its refusal), or accepted and thrown by a hook (recorded with its error)
      }
      made.push({ type, options, step: lc.globalStep });
    }
  }
  lc.finalize();
  rec.close();
  return { made, bytes: Buffer.from(sink.bytes()) };
}

describe('run records (property)', () => {
  it('any event sequence reads whole, decodes to the calls made, replays, and re-records to the same bytes', () => {
    const previous = setWarningSink(() => {});
    let withRuns = 0;
    let cases = 0;
    try {
      fc.assert(
        fc.property(run, (r) => {
          const { made, bytes } = record(r);
          // (a) whole, and a replay matches.
          const j = readJournal(bytes);
          expect(j.damage).toBeNull();
          expect(j.calls.length).toBe(made.length + 2);
          const replay = replayJournal(j, { recipe: countingRecipe });
          expect(replay.divergence).toBeNull();
          expect(replay.calls).toBe(made.length + 2);
          // (b) each event call as made: its options in their order (as toJsonValue gives them; a refused call's are {}), its step.
          made.forEach((m, i) => {
            const c = j.calls[i + 1];
            expect(c.c.call).toBe('event');
            if (c.c.call !== 'event') return;
            expect(c.c.type).toBe(m.type);
            // A refused call has no resolved step, and a passive recording stores it without its options.
            const refused = c.fx!.g.some((g) => g.startsWith('{"type":"call.rejected"'));
            const expected = refused ? {} : toJsonValue(m.options);
            expect(json(c.c.options)).toBe(json(expected));
            expect(Object.keys(c.c.options)).toEqual(Object.keys(expected as object));
            expect(c.s).toBe(refused ? undefined : m.step);
          });
          // (c) record → replay → record: the same bytes, live and from the calls.
          // Fresh modifiers for each recording: liveCall builds the recipe when it makes the initialize call.
          const again = () => j.calls.map((c) => liveCall(c.c, c.n, () => null, null, countingRecipe) as LifecycleCall);
          const lc = new CompressionLifecycle({ fidelity: r.fidelity });
          const sink = memorySink();
          const rec = recordTo(lc, sink, HEADER);
          for (const c of again()) {
            try {
              applyCall(lc, c);
            } catch {
              // refused again, as recorded
            }
          }
          rec.close();
          expect(Buffer.from(sink.bytes()).equals(bytes)).toBe(true);
          // From the calls (writeJournal): the same calls, steps, effects and hashes (its bytes: see the test below).
          const sink2 = memorySink();
          writeJournal(sink2, { ...HEADER, fidelity: r.fidelity }, again());
          const j2 = readJournal(sink2.bytes());
          expect(j2.damage).toBeNull();
          expect(JSON.stringify(j2.calls)).toBe(JSON.stringify(j.calls));
          // (d) counted over the whole run.
          cases++;
          if (frames(bytes).some((f) => f.tag === RECORD_RUN && f.calls > 1)) withRuns++;
        }),
        { numRuns: 60 },
      );
    } finally {
      setWarningSink(previous);
    }
    expect(withRuns).toBeGreaterThan(cases / 4);
  });
});

/**
 * Every recording path writes the same run records: the passive tap's held calls, a recording with a `records$`
 * subscriber (every hook reported), options without a prototype (stored as their JSON form), and `writeJournal`
 * (the driver's calls). docs/journal-format.md promises "a passive recording of simulateTraining and writeJournal
 * of the same run are byte-identical" and "record → replay → record is byte-identical". The smallest case: no
 * modifiers, three `calibration_epoch_start` events with `{}`, the last one a run (record tags 0 2 1 1 4 3).
 */
describe('run records whatever the recording path', () => {
  const N = 3;
  function passive(options: () => Record<string, unknown>, subscribed = false): Buffer {
    const lc = new CompressionLifecycle({ fidelity: 'default' });
    const sub = subscribed ? lc.records$.subscribe(() => {}) : null;
    const sink = memorySink();
    const rec = recordTo(lc, sink, HEADER);
    lc.initialize({ recipe: [] });
    for (let i = 0; i < N; i++) lc.event('calibration_epoch_start' as EventType, options());
    rec.close();
    sub?.unsubscribe();
    return Buffer.from(sink.bytes());
  }
  const tags = (b: Uint8Array) => frames(b).map((f) => f.tag);
  const calls = (b: Uint8Array) => JSON.stringify(readJournal(b).calls);
  const PLAIN = passive(() => ({}));

  it('the passive recording of plain options holds a run', () => {
    expect(tags(PLAIN)).toEqual([0, 2, 1, 1, RECORD_RUN, 3]);
  });

  it('a recording with a records$ subscriber gives the same bytes', () => {
    const loud = passive(() => ({}), true);
    expect(calls(loud)).toBe(calls(PLAIN));
    expect(tags(loud)).toEqual(tags(PLAIN));
  });

  it('options without a prototype give the same bytes as plain ones', () => {
    const bare = passive(() => Object.create(null) as Record<string, unknown>);
    expect(calls(bare)).toBe(calls(PLAIN));
    expect(tags(bare)).toEqual(tags(PLAIN));
  });

  it('writeJournal of the same calls gives the same bytes', () => {
    const sink = memorySink();
    const events = Array.from({ length: N }, () => ({ call: 'event' as const, type: 'calibration_epoch_start' as EventType, options: {} }));
    writeJournal(sink, { ...HEADER, fidelity: 'default' }, [{ call: 'initialize', options: { recipe: [] } }, ...events]);
    expect(calls(sink.bytes())).toBe(calls(PLAIN));
    expect(tags(sink.bytes())).toEqual(tags(PLAIN));
  });
});

/**
 * A step of −0 kept by a later event replays: an option of −0 is stored as a float64 −0 (it was once stored as the
 * integer 0, while the kept step stayed −0, and the replay diverged with "expected resolved global step 0, got
 * resolved global step 0").
 */
describe('a step of −0', () => {
  it('an event keeping the step −0 replays', () => {
    const lc = new CompressionLifecycle({ fidelity: 'default' });
    const sink = memorySink();
    const rec = recordTo(lc, sink, HEADER);
    lc.initialize({ recipe: [] });
    lc.event('calibration_epoch_start' as EventType, { globalStep: -0 });
    lc.event('batch_start' as EventType, {});
    rec.close();
    const j = readJournal(sink.bytes());
    expect(j.damage).toBeNull();
    expect(j.calls.length).toBe(3);
    expect(replayJournal(j).divergence).toBeNull();
  });
});
