/**
 * The Modifier base's public contract (lifecycle.md §3.1–§3.5), written against the mutants the first
 * mutation run left alive (docs/verify.md). The module is loaded afresh inside each test
 * (`vi.resetModules` + `import`): its tables (the compiled plans, the routine rows, the hook names) are
 * built when it loads, and a change there must fail a test here, not just the first file that loaded it.
 */
import { describe, expect, it, vi } from 'vitest';
import type { HookContext, HookName, ModifierArgs } from '../../src/modifiers/modifier.ts';
import type { EffectSink } from '../../src/core/records.ts';

type Flag = 'initialized' | 'started' | 'ended' | 'finalized';

/** A fresh module graph: the Modifier base, a probe subclass recording its hooks, and the types it needs. */
async function load() {
  vi.resetModules();
  const mod = await import('../../src/modifiers/modifier.ts');
  const { Event, EventType } = await import('../../src/core/events.ts');
  const { State } = await import('../../src/core/state.ts');
  const errors = await import('../../src/core/lifecycleErrors.ts');
  const { ValueError } = await import('../../src/core/errors.ts');
  const { field } = await import('../../src/core/fields.ts');
  type Ev = InstanceType<typeof Event>;
  type St = InstanceType<typeof State>;

  class Probe extends mod.Modifier {
    static override readonly fields = [...mod.Modifier.fields, field('extra', 'extra', 0, (v) => Number(v))];
    declare extra: number;
    hooks: HookName[] = [];
    /** Runs inside onEvent (a calibration-driven modifier starts or ends itself there). */
    onEventBody: ((m: Probe, state: St, ctx: HookContext) => void) | null = null;
    protected override onInitialize(): boolean {
      this.hooks.push('onInitialize');
      return true;
    }
    protected override onFinalize(): boolean {
      this.hooks.push('onFinalize');
      return true;
    }
    protected override onStart(): void {
      this.hooks.push('onStart');
    }
    protected override onUpdate(): void {
      this.hooks.push('onUpdate');
    }
    protected override onEnd(): void {
      this.hooks.push('onEnd');
    }
    protected override onEvent(state: St, _event: Ev, ctx: HookContext): void {
      this.hooks.push('onEvent');
      this.onEventBody?.(this, state, ctx);
    }
    selfStart(state: St, ctx: HookContext): void {
      this.startItself(state, ctx);
    }
    selfEnd(state: St, ctx: HookContext): void {
      this.endItself(state, ctx);
    }
    get position(): number {
      return this.recipePosition;
    }
    effect(kind: string, data: unknown): void {
      this.recordEffect(kind, data);
    }
    warning(message: string): void {
      this.warn(message);
    }
  }

  /** Installs a sink that records what the lifecycle would publish: hooks (with the event type) and flag moves. */
  function record(m: Probe): string[] {
    const seen: string[] = [];
    const sink: EffectSink = {
      reportRoutineHooks: () => {},
      hook: (hook, type) => seen.push(`${hook}(${type ?? '-'})`),
      transition: (flag, from, to) => seen.push(`${flag}:${from}->${to}`),
      effect: (kind, data) => seen.push(`effect ${kind} ${JSON.stringify(data)}`),
      warning: (message) => seen.push(`warning ${message}`),
    };
    mod.installEffectSink(m, sink);
    return seen;
  }
  return { mod, Event, EventType, State, errors, ValueError, Probe, record };
}

function flagsOf(m: Record<Flag, boolean>): Flag[] {
  return (['initialized', 'started', 'ended', 'finalized'] as const).filter((f) => m[f]);
}

type Step = 'initialize' | 'finalize' | { type: string; step?: number };
interface Row {
  name: string;
  args: ModifierArgs;
  before: Step[];
  call: Step;
  hooks: HookName[];
  flags: Flag[];
}

/** §3.3's table for the routine rows (`updateEvent` on an initialized, started or ended modifier). */
const ROWS: Row[] = [
  { name: 'start null: BATCH_START only calls onEvent', args: { start: null }, before: ['initialize'], call: { type: 'batch_start' }, hooks: ['onEvent'], flags: ['initialized'] },
  { name: 'start 1: BATCH_START before step 1 does not start', args: { start: 1 }, before: ['initialize'], call: { type: 'batch_start', step: 0 }, hooks: ['onEvent'], flags: ['initialized'] },
  { name: 'start 1: BATCH_START at step 1 starts and updates', args: { start: 1 }, before: ['initialize'], call: { type: 'batch_start', step: 1 }, hooks: ['onEvent', 'onStart', 'onUpdate'], flags: ['initialized', 'started'] },
  { name: 'started: BATCH_START updates', args: { start: 0 }, before: ['initialize'], call: { type: 'batch_start', step: 1 }, hooks: ['onEvent', 'onUpdate'], flags: ['initialized', 'started'] },
  { name: 'started: another event type updates', args: { start: 0 }, before: ['initialize'], call: { type: 'optim_pre_step', step: 1 }, hooks: ['onEvent', 'onUpdate'], flags: ['initialized', 'started'] },
  { name: 'started, end 2: only BATCH_END ends, not another type past step 2', args: { start: 0, end: 2 }, before: ['initialize'], call: { type: 'optim_pre_step', step: 3 }, hooks: ['onEvent', 'onUpdate'], flags: ['initialized', 'started'] },
  { name: 'started, end 2: BATCH_END before step 2 updates', args: { start: 0, end: 2 }, before: ['initialize'], call: { type: 'batch_end', step: 1 }, hooks: ['onEvent', 'onUpdate'], flags: ['initialized', 'started'] },
  { name: 'started, end 2: BATCH_END at step 2 ends and updates', args: { start: 0, end: 2 }, before: ['initialize'], call: { type: 'batch_end', step: 2 }, hooks: ['onEvent', 'onEnd', 'onUpdate'], flags: ['initialized', 'started', 'ended'] },
  { name: 'Q8: start 0, end 0: BATCH_END ends a never-started modifier', args: { start: 0, end: 0 }, before: ['initialize'], call: { type: 'batch_end' }, hooks: ['onEvent', 'onEnd', 'onUpdate'], flags: ['initialized', 'ended'] },
  { name: 'ended: events only call onEvent', args: { start: 0, end: 1 }, before: ['initialize', { type: 'batch_end', step: 1 }], call: { type: 'batch_start', step: 2 }, hooks: ['onEvent'], flags: ['initialized', 'started', 'ended'] },
  { name: 'finalized: E14 before any hook', args: { start: 0 }, before: ['initialize', 'finalize'], call: { type: 'batch_start', step: 1 }, hooks: [], flags: ['initialized', 'started', 'finalized'] },
];

describe('updateEvent through the routine rows, recorded and not (§3.3)', () => {
  it.each(ROWS)('$name', async (row) => {
    const { Event, State, Probe, record, errors } = await load();
    for (const recorded of [false, true]) {
      const m = new Probe(row.args);
      const state = new State();
      const run = (s: Step) => {
        if (s === 'initialize') m.initialize(state, {});
        else if (s === 'finalize') m.finalize(state, {});
        else m.updateEvent(state, new Event({ type: s.type as never, globalStep: s.step ?? 0 }), {});
      };
      row.before.forEach(run);
      m.hooks = [];
      const seen = recorded ? record(m) : [];
      if (row.hooks.length === 0) expect(() => run(row.call)).toThrow(errors.ModifierUpdateFinalizedError);
      else run(row.call);
      expect(m.hooks, `recorded: ${recorded}`).toEqual(row.hooks);
      expect(flagsOf(m), `recorded: ${recorded}`).toEqual(row.flags);
      if (recorded) expect(seen.filter((s) => !s.includes(':')).map((s) => s.slice(0, s.indexOf('(')))).toEqual(row.hooks);
    }
  });

  it('an uninitialized modifier refuses every event type before calling any hook (E13)', async () => {
    const { Event, EventType, State, Probe, errors } = await load();
    for (const type of Object.values(EventType)) {
      const m = new Probe({ start: 0 });
      expect(() => m.updateEvent(new State(), new Event({ type, globalStep: 0 }), {}), type).toThrow(errors.ModifierUpdateUninitializedError);
      expect(m.hooks).toEqual([]);
    }
  });

  it('a modifier that starts itself in onEvent gets onUpdate on that event; one that ends itself does not', async () => {
    const { Event, EventType, State, Probe } = await load();
    const m = new Probe({});
    const state = new State();
    m.initialize(state, {});
    m.onEventBody = (p, s, ctx) => p.selfStart(s, ctx);
    m.hooks = [];
    m.updateEvent(state, new Event({ type: EventType.CALIBRATION_EPOCH_START, globalStep: 0 }), {});
    expect(m.hooks).toEqual(['onEvent', 'onStart', 'onUpdate']);
    m.onEventBody = (p, s, ctx) => p.selfEnd(s, ctx);
    m.hooks = [];
    m.updateEvent(state, new Event({ type: EventType.CALIBRATION_EPOCH_END, globalStep: 0 }), {});
    expect(m.hooks).toEqual(['onEvent', 'onEnd']);
    expect(flagsOf(m)).toEqual(['initialized', 'started', 'ended']);
  });
});

describe('what a recorded modifier reports (records$)', () => {
  it('each hook with its event type (none for initialize and finalize) and each flag move with its phases', async () => {
    const { Event, EventType, State, Probe, record } = await load();
    const m = new Probe({ start: 0, end: 1 });
    const seen = record(m);
    const state = new State();
    m.initialize(state, {});
    m.updateEvent(state, new Event({ type: EventType.BATCH_END, globalStep: 1 }), {});
    m.finalize(state, {});
    expect(seen).toEqual([
      'onInitialize(-)',
      'initialized:uninitialized->initialized',
      'onStart(batch_start)',
      'started:initialized->started',
      'onEvent(batch_end)',
      'onEnd(batch_end)',
      'ended:started->ended',
      'onUpdate(batch_end)',
      'onFinalize(-)',
      'finalized:ended->finalized',
    ]);
  });

  it('recordEffect and warn reach the records while recorded, and are harmless when not', async () => {
    const { Probe, record } = await load();
    const { setWarningSink } = await import('../../src/core/logger.ts');
    const logged: string[] = [];
    const previous = setWarningSink((message) => logged.push(message));
    try {
      const m = new Probe({});
      expect(() => m.effect('drift', 1)).not.toThrow();
      expect(() => m.warning('quiet')).not.toThrow();
      const seen = record(m);
      m.effect('drift', { x: 2 });
      m.warning('loud');
      expect(seen).toEqual(['effect drift {"x":2}', 'warning loud']);
      expect(logged).toEqual(['quiet', 'loud']);
    } finally {
      setWarningSink(previous);
    }
  });
});

describe('the modifier itself', () => {
  it('kindOf: BATCH_START, BATCH_END and everything else are three kinds', async () => {
    const { mod, EventType } = await load();
    const kinds = Object.values(EventType).map((t) => mod.kindOf(t));
    expect(new Set(kinds).size).toBe(3);
    expect(mod.kindOf(EventType.BATCH_START)).not.toBe(mod.kindOf(EventType.BATCH_END));
    expect(mod.kindOf(null)).toBe(mod.kindOf(EventType.OPTIM_PRE_STEP));
  });

  it("a subclass's own fields are accepted (the class's field list, not the base's)", async () => {
    const { Probe } = await load();
    expect(new Probe({ extra: '3' }).extra).toBe(3);
    expect(new Probe({}).modelDump()).toMatchObject({ extra: 0 });
  });

  it('recipePosition: index if set, else the position the lifecycle gave, else 0', async () => {
    const { mod, Probe } = await load();
    expect(new Probe({ index: 2 }).position).toBe(2);
    const placed = new Probe({ index: 2 });
    placed[mod.RECIPE_POSITION] = 5;
    expect(placed.position).toBe(2);
    const unindexed = new Probe({});
    unindexed[mod.RECIPE_POSITION] = 5;
    expect(unindexed.position).toBe(5);
    expect(new Probe({}).position).toBe(0);
  });

  it('_restoreStateName puts the modifier in any machine state, and names a bad one', async () => {
    const { Probe, ValueError } = await load();
    const { STATE_NAMES } = await import('../../machines/modifier.plan.ts');
    for (const name of STATE_NAMES) {
      const m = new Probe({});
      if (name === 'uninitialized') m._restoreStateName('started');
      m._restoreStateName(name);
      expect(m.stateName).toBe(name);
    }
    const m = new Probe({});
    expect(() => m._restoreStateName('bogus' as never)).toThrow(ValueError);
    expect(() => m._restoreStateName('bogus' as never)).toThrow('Probe: no machine state named "bogus"');
  });

  it('E10–E14 are thrown as their own errors', async () => {
    const { Event, EventType, State, Probe, errors } = await load();
    const state = new State();
    const e = new Event({ type: EventType.BATCH_START, globalStep: 0 });
    expect(() => new Probe({}).finalize(state, {})).toThrow(errors.ModifierFinalizeUninitializedError);
    const m = new Probe({});
    m.initialize(state, {});
    expect(() => m.initialize(state, {})).toThrow(errors.ModifierAlreadyInitializedError);
    m.finalize(state, {});
    expect(() => m.finalize(state, {})).toThrow(errors.ModifierFinalizeTwiceError);
    expect(() => m.updateEvent(state, e, {})).toThrow(errors.ModifierUpdateFinalizedError);
    expect(m.phase).toBe('finalized');
  });
});
