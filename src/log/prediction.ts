/**
 * What a journal's run record repeats (format version 3, docs/journal-format.md): per event code, the
 * call that follows the last ones of that code when nothing but counting changes. Its option names are
 * the last call's, in their order; each number advances by a fixed difference, anything else stays as it
 * was; so does the step when it is not the `globalStep` option; its effects are the last ones of the code.
 * The difference is set by each event record of the code: its value minus the call before it. The encoder
 * and the reader keep one per code, updated by the same records through these methods, so a run's calls
 * decode to exactly what the encoder compared them with.
 */
import type { JsonValue } from './serialize.ts';

/** A predicted value that no option value can equal (a number that overflowed): no call can be that prediction. */
const NO_MATCH: unique symbol = Symbol('llmc-sim.noMatch');

type Predicted = JsonValue | typeof NO_MATCH;

/** `v` when finite, else NO_MATCH. */
const finite = (v: number): number | typeof NO_MATCH => (v - v === 0 ? v : NO_MATCH);

export class CallPrediction {
  /** The option names of the last call of the code, in order. */
  names: string[] = [];
  /** The values of the last call, and the next call's (when `runnable`). */
  #last: JsonValue[] = [];
  #next: Predicted[] = [];
  /** The options whose number changes from call to call, and by how much. */
  #moving: number[] = [];
  #delta: number[] = [];
  /** The step of the last call, the next call's (NaN when none can be), and how much it advances (when it is not an option). */
  #lastStep = 0;
  nextStep = NaN;
  #stepDelta = 0;
  /** Whether the step is the `globalStep` option (the event record's `EVENT_STEP_GIVEN`), and which option that is. */
  stepGiven = false;
  #stepAt = -1;
  /** Whether the last two calls of the code had the same option names and step flag: a run may follow them. */
  runnable = false;
  #seen = false;

  /** An event record of the code with options stored field by field (as the reader decodes them: −0 is 0) and a step. */
  observe(names: readonly string[], values: readonly JsonValue[], n: number, step: number, stepGiven: boolean): void {
    let same = this.#seen && this.names.length === n && this.stepGiven === stepGiven;
    for (let i = 0; same && i < n; i++) same = this.names[i] === names[i];
    this.#moving.length = 0;
    this.#delta.length = 0;
    if (same) {
      for (let i = 0; i < n; i++) {
        const before = this.#last[i];
        const v = values[i];
        this.#last[i] = v;
        this.#next[i] = v;
        // A number that did not change stays as it is (no arithmetic per call for it).
        if (typeof v === 'number' && typeof before === 'number' && v !== before) {
          this.#moving.push(i);
          this.#delta.push(v - before);
          this.#next[i] = finite(v + (v - before));
        }
      }
      this.#stepDelta = step - this.#lastStep;
    } else {
      this.names = names.slice(0, n);
      this.#last = values.slice(0, n);
      this.#next = values.slice(0, n);
      this.stepGiven = stepGiven;
      this.#stepAt = this.names.indexOf('globalStep');
    }
    this.#lastStep = step;
    this.#seen = true;
    this.runnable = same;
    if (same) this.#predictStep();
  }

  /** An event record of the code that a run cannot follow (options as JSON text, no step). */
  forget(): void {
    this.#seen = false;
    this.runnable = false;
  }

  /** Whether a live call is the prediction: the same option names in order, each value as predicted (−0 as 0, as a reader decodes it), and the predicted step. */
  matches(options: Record<string, unknown>, step: number): boolean {
    const names = this.names;
    const next = this.#next;
    let i = 0;
    for (const k in options) {
      if (i === names.length || names[i] !== k || options[k] !== next[i]) return false;
      i++;
    }
    const s = this.nextStep;
    return i === names.length && step === s && (step !== 0 || 1 / step === 1 / s);
  }

  /** A run's call of the code: it was the prediction, and the next one follows from it. */
  advance(): void {
    const moving = this.#moving;
    const next = this.#next;
    for (let j = 0; j < moving.length; j++) {
      const i = moving[j];
      const v = next[i] as number;
      this.#last[i] = v;
      next[i] = finite(v + this.#delta[j]);
    }
    this.#lastStep = this.nextStep;
    this.#predictStep();
  }

  /** The next call's value of option `i` (a run's call, decoded), or undefined when no call can have it. */
  valueAt(i: number): JsonValue | undefined {
    const v = this.#next[i];
    return v === NO_MATCH ? undefined : v;
  }

  #predictStep(): void {
    if (this.stepGiven) {
      const v = this.#next[this.#stepAt];
      this.nextStep = typeof v === 'number' ? v : NaN;
    } else {
      const v = this.#lastStep + this.#stepDelta;
      this.nextStep = v - v === 0 ? v : NaN;
    }
  }
}
