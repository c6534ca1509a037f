/**
 * A tiny Modifier for lifecycle tests: records every hook call (with the flags at the moment the hook
 * began) and lets a test choose what `onInitialize` / `onFinalize` return or throw.
 */
import { Modifier, type HookName, type Kwargs, type ModifierArgs } from '../../src/modifiers/modifier.ts';
import { Event, EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';

export interface HookCall {
  hook: HookName;
  /** The event the hook received (null for initialize/finalize and self-started hooks). */
  event: Event | null;
  kwargs: Kwargs;
  flags: { initialized: boolean; started: boolean; ended: boolean; finalized: boolean };
}

/** What a hook does: a value to return, or a function (which may throw). */
export type Behaviour<T> = T | ((state: State, kwargs: Kwargs) => T);

export class TestModifier extends Modifier {
  // Not fields (the constructor does not assign them), so plain initializers are fine here.
  calls: HookCall[] = [];
  initResult: Behaviour<boolean> = true;
  finalizeResult: Behaviour<boolean> = true;
  /** Runs inside onEvent, after the call is recorded. */
  onEventBody: ((m: TestModifier, state: State, event: Event, kwargs: Kwargs) => void) | null = null;

  constructor(args: ModifierArgs = {}, behaviour: { init?: Behaviour<boolean>; finalize?: Behaviour<boolean> } = {}) {
    super(args);
    if (behaviour.init !== undefined) this.initResult = behaviour.init;
    if (behaviour.finalize !== undefined) this.finalizeResult = behaviour.finalize;
  }

  /** The hook names called so far, in order. */
  get hooks(): HookName[] {
    return this.calls.map((c) => c.hook);
  }

  #record(hook: HookName, event: Event | null, kwargs: Kwargs): void {
    const { initialized, started, ended, finalized } = this;
    this.calls.push({ hook, event, kwargs, flags: { initialized, started, ended, finalized } });
  }

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    this.#record('onInitialize', null, kwargs);
    const r = this.initResult;
    return typeof r === 'function' ? r(state, kwargs) : r;
  }
  protected override onFinalize(state: State, kwargs: Kwargs): boolean {
    this.#record('onFinalize', null, kwargs);
    const r = this.finalizeResult;
    return typeof r === 'function' ? r(state, kwargs) : r;
  }
  protected override onStart(_s: State, event: Event | null, kwargs: Kwargs): void {
    this.#record('onStart', event, kwargs);
  }
  protected override onUpdate(_s: State, event: Event | null, kwargs: Kwargs): void {
    this.#record('onUpdate', event, kwargs);
  }
  protected override onEnd(_s: State, event: Event | null, kwargs: Kwargs): void {
    this.#record('onEnd', event, kwargs);
  }
  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    this.#record('onEvent', event, kwargs);
    this.onEventBody?.(this, state, event, kwargs);
  }

  /** Test access to the machine's `startItself` / `endItself`, as a calibration-driven subclass uses them. */
  selfStart(state: State = new State(), kwargs: Kwargs = { fidelity: 'default' }): void {
    this.startItself(state, kwargs);
  }
  selfEnd(state: State = new State(), kwargs: Kwargs = { fidelity: 'default' }): void {
    this.endItself(state, kwargs);
  }
}

/**
 * A calibration-driven modifier (§3.3): its onEvent starts it on CALIBRATION_EPOCH_START and ends it
 * on CALIBRATION_EPOCH_END through the machine (`startItself` / `endItself`), which sets the flag as
 * the hook begins and does nothing when it is already set.
 */
export class CalibrationTestModifier extends TestModifier {
  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    super.onEvent(state, event, kwargs);
    if (event.type === EventType.CALIBRATION_EPOCH_START) this.startItself(state, kwargs);
    else if (event.type === EventType.CALIBRATION_EPOCH_END) this.endItself(state, kwargs);
  }
}

