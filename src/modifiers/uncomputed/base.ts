/**
 * Modifiers of LLM Compressor 0.12 whose math llmc-sim does not compute yet (QuIP, IMatrixGatherer):
 * registered under their upstream names with their upstream fields and validators, they run upstream's
 * calibration lifecycle exactly — start at CALIBRATION_EPOCH_START, one step per SEQUENTIAL_EPOCH_END
 * subgraph, end at CALIBRATION_EPOCH_END (datafree modifiers: the same sequence without data) — and warn at
 * start, in plain words, what they leave uncomputed. They never change the model.
 */
import type { Event } from '../../core/events.ts';
import type { State } from '../../core/state.ts';
import type { Kwargs } from '../modifier.ts';
import { CalibrationModifier } from '../calibrationModifier.ts';
import { requireModel } from '../_internals/requireModel.ts';

/** The warning: `{Class}: {what} is not computed by llmc-sim; this modifier leaves the model unchanged`. */
export const notComputed = (cls: string, what: string) =>
  `${cls}: ${what} is not computed by llmc-sim; this modifier leaves the model unchanged (see docs/modifiers/${cls}.md)`;

export abstract class UncomputedModifier extends CalibrationModifier {
  /** What upstream computes and we do not, in a phrase ("QuIP's incoherence transforms"). */
  protected abstract readonly uncomputed: string;
  /** SEQUENTIAL_EPOCH_END events seen (one per subgraph), for tests and the journal. */
  subgraphsSeen = 0;

  protected override onInitialize(state: State, kwargs: Kwargs): boolean {
    requireModel(this.constructor.name, state?.model ?? kwargs.model);
    return true;
  }

  protected override onStart(_state: State, _event: Event | null, _kwargs: Kwargs): void {
    this.warn(notComputed(this.constructor.name, this.uncomputed));
  }

  protected override onSubgraphEnd(): void {
    this.subgraphsSeen += 1;
  }

  protected override onEnd(_state: State, _event: Event | null, _kwargs: Kwargs): void {
  }
}
