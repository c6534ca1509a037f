/**
 * What a journal's run record repeats (format version 3, docs/journal-format.md): per event code, the
 * call that follows the last ones of that code when nothing but counting changes. Its option names are
 * the last call's, in their order; a number that changed between the last stored event record of the code
 * and the call before it advances by that difference, as `base + k × difference` for the k-th call after the
 * record (two float64 operations, the same in every reader); anything else stays as the record had it; so
 * does the step when it is not the `globalStep` option; its effects are the last ones of the code. The
 * encoder and the reader keep one per code, updated by the same records through these methods, so a run's
 * calls decode to exactly what the encoder compared them with.
 */
import type { JsonValue } from './serialize.ts';

export class CallPrediction {
  constructor(
    /** The event code it predicts (src/log/effects.ts). */
    readonly code: number,
  ) {}

  /** The option names of the last stored event record of the code, in order. */
  names: string[] = [];
  /** Its values, and per option the difference a number advances by per call (0: it stays). */
  #base: JsonValue[] = [];
  #delta: number[] = [];
  /** Its step, and the difference the step advances by (when it is not an option). */
  #baseStep = 0;
  #stepDelta = 0;
  /** The run calls of the code since that record: the next call is number `k + 1`. */
  #k = 0;
  /** Whether the step is the `globalStep` option (the event record's `EVENT_STEP_GIVEN`), and which option that is. */
  stepGiven = false;
  #stepAt = -1;
  /** `#stepAt` when the step is given, else -1: the option `matches` compares the step with. */
  #stepIndex = -1;
  /** Whether the last two calls of the code had the same option names and step flag: a run may follow them. */
  runnable = false;
  #seen = false;
  /**
   * The same three lists as one, `[name, value, difference]` per option in order, for `matches`, which runs for
   * every recorded call: one array to reach instead of three.
   */
  #rows: unknown[] = [];

  /** An event record of the code with options stored field by field and a step. */
  observe(names: readonly string[], values: readonly JsonValue[], n: number, step: number, stepGiven: boolean): void {
    let same = this.#seen && this.names.length === n && this.stepGiven === stepGiven;
    for (let i = 0; same && i < n; i++) same = this.names[i] === names[i];
    if (same) {
      for (let i = 0; i < n; i++) {
        const before = this.#valueAt(i, this.#k);
        const v = values[i];
        this.#delta[i] = typeof v === 'number' && typeof before === 'number' && v !== before ? v - before : 0;
        this.#base[i] = v;
      }
      this.#stepDelta = step - this.#stepOf(this.#k);
    } else {
      this.names = names.slice(0, n);
      this.#base = values.slice(0, n);
      this.#delta = new Array<number>(n).fill(0);
      this.#stepDelta = 0;
      this.stepGiven = stepGiven;
      this.#stepAt = this.names.indexOf('globalStep');
    }
    this.#stepIndex = this.stepGiven ? this.#stepAt : -1;
    const rows: unknown[] = [];
    for (let i = 0; i < n; i++) rows.push(this.names[i], this.#base[i], this.#delta[i]);
    this.#rows = rows;
    this.#baseStep = step;
    this.#k = 0;
    this.#seen = true;
    this.runnable = same;
  }

  /** An event record of the code that a run cannot follow (options as JSON text, no step). */
  forget(): void {
    this.#seen = false;
    this.runnable = false;
  }

  /**
   * Whether a live call is the prediction: the same option names in order, each value exactly as predicted (−0 is
   * not 0), and the predicted step. No call is a prediction that overflowed.
   */
  matches(options: Record<string, unknown>, step: number): boolean {
    const rows = this.#rows;
    const n = rows.length;
    const k = this.#k + 1;
    const at = this.#stepIndex * 3;
    let i = 0;
    // Each branch compares in its own representation: a number computed here is never merged with a stored value.
    for (const key in options) {
      if (i === n || rows[i] !== key) return false;
      const v = options[key];
      const d = rows[i + 2] as number;
      if (d === 0) {
        // A stored number compares as a number, anything else as itself: two comparisons V8 compiles without a
        // call, where one comparison of both kinds of value is a call into its generic `===`.
        const b = rows[i + 1];
        if (typeof b === 'number') {
          if (typeof v !== 'number' || v !== b || (v === 0 && 1 / v !== 1 / b)) return false;
        } else if (v !== b) return false;
      } else {
        const e = (rows[i + 1] as number) + k * d;
        if (e - e !== 0 || v !== e || (v === 0 && 1 / v !== 1 / e)) return false; // overflowed: no stored value is infinite
      }
      // The step is this option's predicted value, which `v` now is.
      if (i === at && !sameNumber(step, v as number)) return false;
      i += 3;
    }
    return i === n && (at >= 0 || sameNumber(step, this.#stepOf(k)));
  }

  /** A run's call of the code: it was the prediction. */
  advance(): void {
    this.#k++;
  }

  /** The next call's step (not finite when no call can have it). */
  get nextStep(): number {
    if (!this.stepGiven) return this.#stepOf(this.#k + 1);
    const v = this.#stepAt >= 0 ? this.#valueAt(this.#stepAt, this.#k + 1) : null;
    return typeof v === 'number' ? v : NaN;
  }

  /** The next call's value of option `i` (a run's call, decoded), or undefined when no call can have it (a number that overflowed). */
  valueAt(i: number): JsonValue | undefined {
    const v = this.#valueAt(i, this.#k + 1);
    return typeof v === 'number' && v - v !== 0 ? undefined : v;
  }

  /** The step of the k-th call after the record (k = 0: the record's), when it is not an option. */
  #stepOf(k: number): number {
    return this.#baseStep + k * this.#stepDelta;
  }

  /** Option `i` of the k-th call after the record (k = 0: the record's). */
  #valueAt(i: number, k: number): JsonValue {
    const d = this.#delta[i];
    return d === 0 ? this.#base[i] : (this.#base[i] as number) + k * d;
  }
}

/** `Object.is` for a number and a value. */
function sameNumber(a: number, b: unknown): boolean {
  return a === b && (a !== 0 || 1 / a === 1 / (b as number));
}
