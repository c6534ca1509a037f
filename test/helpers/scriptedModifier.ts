/**
 * A modifier whose `onEvent` and `onUpdate` bodies follow a script, one act per call, cycling: report a
 * domain effect, warn, start or end itself, throw, or change the event's type for the modifiers after it.
 * For tests of what a recording makes of anything a hook may do.
 */
import { Modifier, type Kwargs, type ModifierArgs } from '../../src/modifiers/modifier.ts';
import { Event, EventType } from '../../src/core/events.ts';
import { State } from '../../src/core/state.ts';

export type Act = 'nothing' | 'effect' | 'warn' | 'startItself' | 'endItself' | 'throw' | 'retype';
export const ACTS: readonly Act[] = ['nothing', 'effect', 'warn', 'startItself', 'endItself', 'throw', 'retype'];

export class ScriptedModifier extends Modifier {
  static override readonly fields = Modifier.fields;
  script: Act[] = ['nothing'];
  #n = 0;
  constructor(args: ModifierArgs, script: Act[]) {
    super(args);
    this.script = script;
  }
  protected onInitialize(): boolean {
    return true;
  }
  #act(state: State, event: Event, kwargs: Kwargs): void {
    const act = this.script[this.#n++ % this.script.length];
    if (act === 'effect') this.recordEffect('scripted', { n: this.#n });
    else if (act === 'warn') this.warn(`scripted warning ${this.#n}`);
    else if (act === 'startItself') this.startItself(state, kwargs);
    else if (act === 'endItself') this.endItself(state, kwargs);
    else if (act === 'throw') throw new Error(`scripted failure ${this.#n}`);
    else if (act === 'retype') (event as { type: EventType }).type = EventType.BATCH_END;
  }
  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    this.#act(state, event, kwargs);
  }
  protected override onUpdate(state: State, event: Event | null, kwargs: Kwargs): void {
    if (event) this.#act(state, event, kwargs);
  }
}

/** The same, reached through its own `updateEvent` (the lifecycle's general path). */
export class OverridingModifier extends ScriptedModifier {
  override updateEvent(state: State, event: Event, kwargs: Readonly<Record<string, unknown>> = {}): unknown {
    return super.updateEvent(state, event, kwargs);
  }
}
