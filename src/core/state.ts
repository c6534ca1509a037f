/**
 * State (LLM Compressor `core/state.py`), immutable with immer: `update` returns a new State with
 * structural sharing and leaves the old one frozen, so snapshots for time travel cost nothing.
 *
 * Payloads (model, optimizer, data values) are opaque references: immer would deep-freeze plain
 * arrays of calibration data, and modifiers mutate models in place as upstream's do, so payloads sit
 * in `Ref` boxes that immer neither drafts nor freezes.
 */
import { produce, type Draft } from 'immer';
import { ValueError } from './errors.ts';
import { optionsObject } from './options.ts';

/** A non-draftable box: immer treats class instances without `[immerable]` as opaque. */
class Ref<T> {
  constructor(readonly value: T) {}
}
const ref = <T>(v: T): Ref<T> | null => (v === null || v === undefined ? null : new Ref(v));
const unref = <T>(r: Ref<T> | null): T | null => (r === null ? null : r.value);

export interface Data {
  readonly train: unknown;
  readonly val: unknown;
  readonly test: unknown;
  readonly calib: unknown;
}

export interface Hardware {
  readonly device: unknown;
  readonly devices: unknown;
  readonly rank: unknown;
  readonly worldSize: unknown;
  readonly localRank: unknown;
  readonly localWorldSize: unknown;
  readonly distributed: unknown;
  readonly distributedStrategy: unknown;
}

interface Fields {
  model: Ref<unknown> | null;
  teacherModel: Ref<unknown> | null;
  optimizer: Ref<unknown> | null;
  optimWrapped: unknown;
  loss: Ref<unknown> | null;
  batchData: Ref<unknown> | null;
  data: { train: Ref<unknown> | null; val: Ref<unknown> | null; test: Ref<unknown> | null; calib: Ref<unknown> | null };
  hardware: { [K in keyof Hardware]: Ref<unknown> | null };
  lossMasks: Ref<unknown> | null;
  currentBatchIdx: number;
  sequentialPrefetch: boolean;
}

const DEFAULT_FIELDS: Fields = {
  model: null,
  teacherModel: null,
  optimizer: null,
  optimWrapped: null,
  loss: null,
  batchData: null,
  data: { train: null, val: null, test: null, calib: null },
  hardware: {
    device: null,
    devices: null,
    rank: null,
    worldSize: null,
    localRank: null,
    localWorldSize: null,
    distributed: null,
    distributedStrategy: null,
  },
  lossMasks: null,
  currentBatchIdx: -1,
  sequentialPrefetch: false,
};

export interface StateChanges {
  model?: unknown;
  teacherModel?: unknown;
  optimizer?: unknown;
  attachOptimCallbacks?: boolean;
  trainData?: unknown;
  valData?: unknown;
  testData?: unknown;
  calibData?: unknown;
  copyData?: boolean;
  start?: unknown;
  stepsPerEpoch?: unknown;
  batchesPerStep?: unknown;
  [key: string]: unknown;
}

/** Keys `update` consumes; everything else is returned in `rest`. */
const CONSUMED = new Set([
  'model', 'teacherModel', 'optimizer', 'attachOptimCallbacks', 'trainData', 'valData', 'testData', 'calibData',
  'copyData', 'start', 'stepsPerEpoch', 'batchesPerStep',
]);

const DATA_KEYS = [['trainData', 'train'], ['valData', 'val'], ['testData', 'test'], ['calibData', 'calib']] as const;

const OVERRIDE_KEYS = ['loss', 'batchData', 'lossMasks', 'currentBatchIdx', 'sequentialPrefetch', 'model'];

/** `structuredClone`, or a ValueError naming the key (a function, a class with private state, … cannot be cloned). */
function copyData(key: string, v: unknown): unknown {
  try {
    return structuredClone(v);
  } catch (e) {
    throw new ValueError(`State.update: ${key} cannot be deep-copied (copyData is true): ${e instanceof Error ? e.message : String(e)}; pass copyData: false to keep a reference`);
  }
}

/** Fields a modifier or pipeline may set directly through {@link State.with}. */
export interface StateOverrides {
  loss?: unknown;
  batchData?: unknown;
  lossMasks?: unknown;
  currentBatchIdx?: number;
  sequentialPrefetch?: boolean;
  model?: unknown;
}

export class State {
  readonly #f: Fields;

  constructor(fields: Fields = DEFAULT_FIELDS) {
    this.#f = fields;
    Object.freeze(this);
  }

  get model(): unknown { return unref(this.#f.model); }
  get teacherModel(): unknown { return unref(this.#f.teacherModel); }
  get optimizer(): unknown { return unref(this.#f.optimizer); }
  get optimWrapped(): unknown { return this.#f.optimWrapped; }
  get loss(): unknown { return unref(this.#f.loss); }
  get batchData(): unknown { return unref(this.#f.batchData); }
  get lossMasks(): unknown { return unref(this.#f.lossMasks); }
  get currentBatchIdx(): number { return this.#f.currentBatchIdx; }
  get sequentialPrefetch(): boolean { return this.#f.sequentialPrefetch; }

  get data(): Data {
    const d = this.#f.data;
    return Object.freeze({ train: unref(d.train), val: unref(d.val), test: unref(d.test), calib: unref(d.calib) });
  }

  get hardware(): Hardware {
    const h = this.#f.hardware;
    return Object.freeze(Object.fromEntries(Object.entries(h).map(([k, v]) => [k, unref(v)]))) as unknown as Hardware;
  }

  get compressionReady(): boolean {
    return this.#f.model !== null && this.#f.optimizer !== null;
  }

  /** Python `State.update` (lifecycle.md §5): a new State and the keys it did not consume. */
  update(changes: StateChanges = {}): { state: State; rest: Record<string, unknown> } {
    if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) {
      throw new ValueError(`State.update takes an object of changes, got ${changes === null ? 'null' : Array.isArray(changes) ? 'an array' : typeof changes}`);
    }
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(changes)) if (!CONSUMED.has(k)) rest[k] = v;
    const copy = changes.copyData ?? true;
    const next = produce(this.#f, (d: Draft<Fields>) => {
      if (changes.model != null) d.model = ref(changes.model);
      if (changes.teacherModel != null) d.teacherModel = ref(changes.teacherModel);
      if (changes.optimizer != null) {
        d.optimizer = ref(changes.optimizer);
        d.optimWrapped = changes.attachOptimCallbacks ?? true;
      }
      for (const [key, slot] of DATA_KEYS) {
        const v = changes[key];
        if (v != null) d.data[slot] = ref(copy ? copyData(key, v) : v);
      }
      if ('device' in rest) d.hardware.device = ref(rest.device);
    });
    return { state: new State(next), rest };
  }

  /** A new State with the given fields replaced (for modifiers and pipelines; upstream assigns attributes). */
  with(overrides: StateOverrides): State {
    overrides = optionsObject('State.with', overrides, OVERRIDE_KEYS);
    const next = produce(this.#f, (d: Draft<Fields>) => {
      if ('loss' in overrides) d.loss = ref(overrides.loss);
      if ('batchData' in overrides) d.batchData = ref(overrides.batchData);
      if ('lossMasks' in overrides) d.lossMasks = ref(overrides.lossMasks);
      if ('model' in overrides) d.model = ref(overrides.model);
      if (overrides.currentBatchIdx !== undefined) d.currentBatchIdx = overrides.currentBatchIdx;
      if (overrides.sequentialPrefetch !== undefined) d.sequentialPrefetch = overrides.sequentialPrefetch;
    });
    return next === this.#f ? this : new State(next);
  }
}
