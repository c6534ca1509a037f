/**
 * A one-shot modifier the calibration pipeline drives (upstream's sequential-pipeline modifiers: SmoothQuant,
 * AWQ, SparseGPT, Wanda, …): it starts itself at CALIBRATION_EPOCH_START, does its work for the modules each
 * SEQUENTIAL_EPOCH_END covers, and ends itself at CALIBRATION_EPOCH_END — or at finalize, when the pipeline
 * never sent that event.
 */
import { EventType, type Event } from '../core/events.ts';
import type { State } from '../core/state.ts';
import { coveredBy } from './_internals/covered.ts';
import { Modifier, type Kwargs } from './modifier.ts';

export abstract class CalibrationModifier extends Modifier {
  /** The work of one SEQUENTIAL_EPOCH_END: `covered(name)` is true for the modules its subgraph ran. */
  protected abstract onSubgraphEnd(covered: (name: string) => boolean): void;

  protected override onEvent(state: State, event: Event, kwargs: Kwargs): void {
    if (event.type === EventType.CALIBRATION_EPOCH_START && !this.started) this.startItself(state, kwargs);
    if (event.type === EventType.SEQUENTIAL_EPOCH_END) this.onSubgraphEnd(coveredBy(kwargs.modules));
    if (event.type === EventType.CALIBRATION_EPOCH_END && !this.ended) this.endItself(state, kwargs);
  }

  protected override onFinalize(state: State, kwargs: Kwargs): boolean {
    if (!this.ended) this.endItself(state, kwargs);
    return true;
  }
}
