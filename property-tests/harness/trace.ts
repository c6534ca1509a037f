/**
 * The line a test modifier writes for each hook call, shared by the real test modifier and the
 * reference model so their traces compare entry by entry. Formatting only: no lifecycle rule here.
 */
export interface TraceEvent {
  type: string | null;
  globalStep: number;
  globalBatch: number;
  stepsPerEpoch: number | null;
  batchesPerStep: number | null;
}

const num = (v: number | null) => (v === null ? 'null' : Object.is(v, -0) ? '0' : String(v));

/**
 * `m0.onEvent [started] batch_end g=3 gb=6 S=null B=2 {loss=0.5 fidelity=default}`: the hook, the
 * modifier's phase when the hook ran, the event it received and, for `onEvent`, the kwargs the
 * spec promises (`loss` when given, `fidelity`, and that `globalStep` was removed).
 */
export function traceLine(id: number, hook: string, phase: string, event: TraceEvent | null, kwargs?: Record<string, unknown>): string {
  let line = `m${id}.${hook} [${phase}]`;
  if (event) {
    line += ` ${event.type} g=${num(event.globalStep)} gb=${num(event.globalBatch)} S=${num(event.stepsPerEpoch)} B=${num(event.batchesPerStep)}`;
  }
  if (kwargs) {
    const loss = 'loss' in kwargs ? `loss=${String(kwargs.loss)}` : 'loss=-';
    const gs = 'globalStep' in kwargs ? ' globalStep!' : '';
    line += ` {${loss} fidelity=${String(kwargs.fidelity)}${gs}}`;
  }
  return line;
}
