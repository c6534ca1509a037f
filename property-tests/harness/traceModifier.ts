/**
 * A Modifier subclass for property tests: its schedule comes from a ModifierSpec, `onInitialize`
 * and `onFinalize` return (or throw) what the spec says, and every hook appends a trace line.
 * Its configuration lives in private fields so records$ JSON shows only the base fields.
 */
import { Modifier, type Kwargs } from '../../src/modifiers/modifier.ts';
import type { Event } from '../../src/core/events.ts';
import type { State } from '../../src/core/state.ts';
import type { ModifierSpec } from '../arbitraries/modifierSpec.ts';
import { finalizeFailure } from '../model/referenceLifecycle.ts';
import { traceLine } from './trace.ts';

export class TraceModifier extends Modifier {
  #id = 0;
  #spec: ModifierSpec = { start: null, end: null, update: null, initResult: true, finalizeResult: true };
  #trace: string[] = [];

  static create(id: number, spec: ModifierSpec, trace: string[]): TraceModifier {
    const m = new TraceModifier({ start: spec.start, end: spec.end, update: spec.update });
    m.#id = id;
    m.#spec = spec;
    m.#trace = trace;
    return m;
  }

  #rec(hook: string, event: Event | null, kwargs?: Kwargs): void {
    this.#trace.push(traceLine(this.#id, hook, this.phase, event, kwargs));
  }

  protected override onInitialize(_state: State, _kwargs: Kwargs): boolean {
    this.#rec('onInitialize', null);
    return this.#spec.initResult;
  }
  protected override onStart(_state: State, event: Event | null): void {
    this.#rec('onStart', event);
  }
  protected override onUpdate(_state: State, event: Event | null): void {
    this.#rec('onUpdate', event);
  }
  protected override onEnd(_state: State, event: Event | null): void {
    this.#rec('onEnd', event);
  }
  protected override onEvent(_state: State, event: Event, kwargs: Kwargs): void {
    this.#rec('onEvent', event, kwargs);
  }
  protected override onFinalize(_state: State, _kwargs: Kwargs): boolean {
    this.#rec('onFinalize', null);
    const r = this.#spec.finalizeResult;
    if (r === 'throw') throw new Error(finalizeFailure(this.#id));
    return r;
  }
}
