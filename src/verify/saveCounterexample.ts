/**
 * Where counterexamples are written. TEMPORARY format: pretty JSON of the `Counterexample`; this is
 * the one place to switch to the journal format (`src/log`'s `writeJournal(path, header, calls)`)
 * so `llmc-sim replay` and the timeline read it. `loadCounterexample` reads what this writes.
 */
import { readFileSync } from 'node:fs';
import { ValueError } from '../core/errors.ts';
import { isEventType } from '../core/events.ts';
import { writeOutput } from '../io/index.ts';
import type { LifecycleCall } from '../lifecycle/calls.ts';
import type { Counterexample } from './counterexample.ts';

export function saveCounterexample(path: string, cx: Counterexample): void {
  writeOutput(path, `${JSON.stringify(cx, null, 2)}\n`);
}

/** A counterexample file is not what `saveCounterexample` writes. */
export class CounterexampleFileError extends ValueError {
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
  }
}

function checkCall(c: unknown, i: number, path: string): LifecycleCall {
  const bad = (why: string) => new CounterexampleFileError(path, `calls[${i}] ${why}`);
  if (!c || typeof c !== 'object') throw bad('is not an object');
  const o = c as Record<string, unknown>;
  if (o.call === 'reset') return { call: 'reset' };
  const options = o.options ?? {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw bad('options must be an object');
  if (o.call === 'initialize' || o.call === 'finalize') return { call: o.call, options: options as Record<string, unknown> };
  if (o.call === 'event') {
    if (!isEventType(o.type)) throw bad(`has an unknown event type ${JSON.stringify(o.type)}`);
    return { call: 'event', type: o.type, options: options as Record<string, unknown> };
  }
  throw bad(`has an unknown call ${JSON.stringify(o.call)}`);
}

export function loadCounterexample(path: string): Counterexample {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CounterexampleFileError(path, `cannot read a counterexample: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object') throw new CounterexampleFileError(path, 'expected an object');
  const d = doc as Record<string, unknown>;
  if (typeof d.property !== 'string') throw new CounterexampleFileError(path, "field 'property' must be a string");
  if (typeof d.recipeText !== 'string') throw new CounterexampleFileError(path, "field 'recipeText' must be a string");
  if (d.fidelity !== 'default' && d.fidelity !== 'reference') throw new CounterexampleFileError(path, "field 'fidelity' must be 'default' or 'reference'");
  if (typeof d.seed !== 'number') throw new CounterexampleFileError(path, "field 'seed' must be a number");
  if (!Array.isArray(d.calls)) throw new CounterexampleFileError(path, "field 'calls' must be a list");
  return { property: d.property, recipeText: d.recipeText, fidelity: d.fidelity, seed: d.seed, calls: d.calls.map((c, i) => checkCall(c, i, path)) };
}
