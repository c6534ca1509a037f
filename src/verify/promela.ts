/**
 * Exports a configuration as a Promela model for SPIN, with the same state vector as the explorer:
 * `ini fin rec ord stp` and per modifier `loc sc ec` (local state id, completed onStart / onEnd
 * calls, saturated at 2). Each lifecycle call is one `d_step` branch of a single loop, so SPIN stores
 * exactly one state per explorer state and its "states, stored" equals the explorer's count at the
 * fixpoint. Each modifier's table (read off real probes and closed over every operation) is
 * exported as `hidden` constant arrays, which are not part of the state vector.
 *
 * State and transition properties become checks that `printf` `VIOLATION <name>` once (compile pan
 * with `-DPRINTF` to see them). Pattern properties are the explorer's alone.
 */
import { ValueError } from '../core/errors.ts';
import { EventType } from '../core/events.ts';
import { nextOrderState } from '../core/order.ts';
import { ORDERED } from '../../machines/lifecycle.machine.ts';
import type { VerifyConfig } from './config.ts';
import { LifecycleModel } from './model.ts';
import type { ModifierOp } from './modifierTable.ts';
import { specOrderAllows, specPhase } from './properties.ts';

/** The properties the Promela export checks (by name), in the order of their flags. */
export const PROMELA_PROPERTIES = [
  'finalized-was-initialized',
  'start-at-most-once',
  'end-at-most-once',
  'phase-matches-flags',
  'no-hook-after-finalize',
  'order-rule',
  'ended-had-started',
  'starts-on-schedule',
  'refused-loss-keeps-order',
] as const;

const ERR: Record<string, number> = { E40: 40, E41: 41, E42: 42, E43: 43, E44: 44, E45: 45, E46: 46 };
const errNum = (e: string | null) => (e === null ? 0 : (ERR[e] ?? 1));
const EVENT_TYPES = Object.values(EventType);

/** A configuration Promela's integer variables cannot hold. */
export class PromelaExportError extends ValueError {}

const smallInt = (v: number | null, min: number, max: number) => v === null || (Number.isInteger(v) && v >= min && v <= max);

export function toPromela(config: VerifyConfig): string {
  for (const s of config.steps) if (!smallInt(s, 0, 255)) throw new PromelaExportError(`--promela: steps must be integers 0…255 (Promela bytes), got ${s}`);
  config.probes.forEach((p, i) => {
    for (const [k, v] of [['start', p.start], ['end', p.end]] as const) {
      if (!smallInt(v, -1000, 1000)) throw new PromelaExportError(`--promela: modifier ${i}'s ${k} must be an integer (Promela has no fractions), got ${v}`);
    }
  });
  const model = new LifecycleModel(config);
  const ops = model.operations();
  const n = model.modifierCount;
  const reference = config.fidelity === 'reference';
  model.prepare();
  const opIndex = (o: ModifierOp) =>
    ops.findIndex((p) => p.op === o.op && (p.op !== 'event' || (o.op === 'event' && p.type === o.type && p.currentIndex === o.currentIndex)));
  const L: string[] = [];
  L.push(`/* llmc-sim verify export: ${n} modifiers, fidelity '${config.fidelity}', steps [${config.steps.join(', ')}].`);
  L.push(' * Run: spin -a model.pml && gcc -O2 -DPRINTF -DNOREDUCE -o pan pan.c && ./pan -m100000');
  L.push(' * Recipe:');
  for (const line of model.recipe.trimEnd().split('\n')) L.push(` *   ${line}`);
  L.push(' */');
  L.push(`#define N ${n}`, `#define NOPS ${ops.length}`, '');
  L.push('byte ini; byte fin; byte rec; byte ord = 4; byte stp;', 'byte loc[N]; byte sc[N]; byte ec[N];', '');
  L.push('hidden byte err; hidden byte merr; hidden byte hk; hidden byte hkfin; hidden int ix; hidden byte g; hidden byte mi; hidden byte lf;');
  L.push('hidden byte b_ord;');
  L.push(`hidden byte reported[${PROMELA_PROPERTIES.length}];`);
  L.push('hidden byte ORD_OK[25]; hidden byte SPEC_OK[25];');
  L.push(`hidden byte STEPV[${model.stepValues.length}];`);
  // Every modifier's table in one set of arrays: modifier i's rows start at TOFF[i], its local states at LOFF[i].
  const total = model.tables.reduce((a, t) => a + t.states.length * ops.length, 0);
  const locals = model.tables.reduce((a, t) => a + t.states.length, 0);
  L.push(`hidden byte T_next[${total}]; hidden byte T_err[${total}]; hidden byte T_st[${total}]; hidden byte T_en[${total}]; hidden byte T_hk[${total}];`);
  L.push(`hidden int TOFF[N]; hidden int LOFF[N]; hidden short S_START[N]; hidden short S_END[N];`);
  L.push(`hidden byte LF[${locals}]; /* local state flags: 1 initialized, 2 started, 4 ended, 8 finalized, 16 phase matches flags */`);
  L.push('');
  L.push('inline report(p) { if :: !reported[p] -> reported[p] = 1; printf("VIOLATION %d\\n", p) :: else -> skip fi }');
  L.push('');
  L.push('/* One modifier operation (modifier mi, operation o): table lookup, call counters, hooks. */');
  L.push('inline mop(o) {');
  L.push('  ix = TOFF[mi] + loc[mi] * NOPS + o;');
  L.push('  if :: (LF[LOFF[mi] + loc[mi]] & 8) && T_hk[ix] > 0 -> hkfin = 1 :: else -> skip fi;');
  L.push('  hk = hk + T_hk[ix];');
  L.push('  sc[mi] = (sc[mi] + T_st[ix] > 2 -> 2 : sc[mi] + T_st[ix]);');
  L.push('  ec[mi] = (ec[mi] + T_en[ix] > 2 -> 2 : ec[mi] + T_en[ix]);');
  L.push('  merr = T_err[ix];');
  L.push('  loc[mi] = T_next[ix]');
  L.push('}');
  L.push('/* Operation o on every modifier in order, stopping at the first error (left in err). */');
  L.push('inline runAll(o) { mi = 0; merr = 0; do :: mi < N && merr == 0 -> mop(o); mi++ :: else -> break od; err = merr }');
  L.push('inline flags() { lf = LF[LOFF[mi] + loc[mi]] }');
  L.push('inline before() { b_ord = ord; hk = 0; hkfin = 0; err = 0; g = 0 }');
  L.push('inline zeroModifiers() { mi = 0; do :: mi < N -> loc[mi] = 0; sc[mi] = 0; ec[mi] = 0; mi++ :: else -> break od }');
  L.push('inline fresh() { ini = 0; fin = 0; rec = 0; ord = 4; stp = 0; zeroModifiers() }');
  // State properties on the current state; transition properties on (before, call, after).
  L.push('inline stateProps() {');
  L.push('  mi = 0;');
  L.push('  do');
  L.push('  :: mi < N && rec -> flags();');
  L.push('     if :: (lf & 8) && !(lf & 1) -> report(0) :: else -> skip fi;');
  L.push('     if :: sc[mi] > 1 -> report(1) :: else -> skip fi;');
  L.push('     if :: ec[mi] > 1 -> report(2) :: else -> skip fi;');
  L.push('     if :: !(lf & 16) -> report(3) :: else -> skip fi;');
  L.push('     if :: (lf & 4) && !(lf & 2) -> report(6) :: else -> skip fi;');
  L.push('     mi++');
  L.push('  :: else -> break');
  L.push('  od');
  L.push('}');
  L.push('/* starts-on-schedule after an accepted BATCH_START at step g. */');
  L.push('inline startsOnSchedule() {');
  L.push('  mi = 0;');
  L.push('  do');
  L.push('  :: mi < N -> flags();');
  L.push('     if :: err == 0 && (lf & 1) && !(lf & 8) && !(lf & 4) && S_START[mi] >= 0 && S_START[mi] <= g && (S_END[mi] < 0 || g < S_END[mi]) && !(lf & 2) -> report(7) :: else -> skip fi;');
  L.push('     mi++');
  L.push('  :: else -> break');
  L.push('  od');
  L.push('}');
  L.push('');
  const calls = model.calls.map((c) => {
    switch (c.call) {
      case 'initialize':
        return 'if :: ini -> skip :: else -> rec = 1; zeroModifiers(); runAll(0); if :: err == 0 -> ini = 1 :: else -> skip fi fi';
      case 'finalize':
        return 'if :: !ini -> err = 40 :: ini && fin -> err = 41 :: else -> runAll(1); if :: err == 0 -> fin = 1 :: else -> skip fi fi';
      case 'reset':
        return 'mi = 0; do :: mi < N -> flags(); if :: rec && (lf & 1) && !(lf & 8) -> mop(1) :: else -> skip fi; mi++ :: else -> break od; fresh()';
      case 'event': {
        const t = c.type;
        const head = 'if :: !ini -> err = 42 :: ini && fin -> err = 43 :: else -> ';
        if (t === EventType.INITIALIZE || t === EventType.FINALIZE) return `${head}err = 44 fi`;
        const pos = ORDERED.indexOf(t as never);
        const hasLoss = c.options.loss != null;
        const stepOpt = c.options.globalStep as number | undefined;
        const stepIdx = stepOpt === undefined ? null : model.stepValues.indexOf(stepOpt);
        const lossCheck = t === EventType.LOSS_CALCULATED && !hasLoss;
        const move = pos >= 0 ? `ord = ${pos}` : 'skip';
        const setStep = reference ? `g = ${stepOpt ?? 0}` : stepIdx === null ? 'g = STEPV[stp]' : `stp = ${stepIdx}; g = STEPV[stp]`;
        // Operation index: event type × current index (reference: always 0).
        const tIdx = EVENT_TYPES.indexOf(t);
        const opExpr = reference ? String(opIndex({ op: 'event', type: t, currentIndex: 0 })) : `${2 + tIdx * model.stepValues.length} + stp`;
        let body: string;
        if (lossCheck) body = reference ? `${move}; err = 46` : 'err = 46';
        else body = `${move}; ${setStep}; runAll(${opExpr})`;
        const guarded = pos >= 0 ? `if :: ORD_OK[ord * 5 + ${pos}] -> ${body} :: else -> err = 45 fi` : body;
        return `${head}${guarded} fi`;
      }
    }
  });
  // Transition properties, with the call's static facts.
  const transProps = model.calls.map((c) => {
    const out: string[] = ['if :: hkfin -> report(4) :: else -> skip fi'];
    if (c.call === 'event') {
      const t = c.type;
      const pos = ORDERED.indexOf(t as never);
      const reached = t !== EventType.INITIALIZE && t !== EventType.FINALIZE;
      if (pos >= 0 && reached) {
        out.push(
          `if :: err != 42 && err != 43 -> if :: (err == 45) != !SPEC_OK[b_ord * 5 + ${pos}] -> report(5) :: !SPEC_OK[b_ord * 5 + ${pos}] && ord != b_ord -> report(5) :: SPEC_OK[b_ord * 5 + ${pos}] && err != 46 && ord != ${pos} -> report(5) :: else -> skip fi :: else -> if :: ord != b_ord -> report(5) :: else -> skip fi fi`,
        );
      } else {
        out.push('if :: ord != b_ord -> report(5) :: else -> skip fi');
      }
      if (t === EventType.BATCH_START) out.push('startsOnSchedule()');
      if (t === EventType.LOSS_CALCULATED) out.push('if :: err == 46 && ord != b_ord -> report(8) :: else -> skip fi');
    }
    return out.join('; ');
  });
  // Constant tables: filled by embedded C (a Promela d_step of this size does not compile).
  const arrays: Array<[string, number[]]> = [];
  const ordOk: number[] = [];
  const specOk: number[] = [];
  for (let a = 0; a < 5; a++) {
    for (let b = 0; b < 5; b++) {
      ordOk.push(+nextOrderState(ORDERED[a] as EventType, ORDERED[b] as EventType).accepted);
      specOk.push(+specOrderAllows(ORDERED[a] as EventType, ORDERED[b] as EventType));
    }
  }
  arrays.push(['ORD_OK', ordOk], ['SPEC_OK', specOk], ['STEPV', model.stepValues]);
  const cols = { next: [] as number[], err: [] as number[], st: [] as number[], en: [] as number[], hk: [] as number[] };
  const flags: number[] = [];
  const toff: number[] = [];
  const loff: number[] = [];
  model.tables.forEach((t) => {
    toff.push(cols.next.length);
    loff.push(flags.length);
    t.states.forEach((l, id) => {
      flags.push((+l.initialized) | (+l.started << 1) | (+l.ended << 2) | (+l.finalized << 3) | (+(l.phase === specPhase(l)) << 4));
      for (const o of ops) {
        const r = t.apply(id, o);
        const ok = r.hooks.filter((h) => !h.raised);
        cols.next.push(r.next);
        cols.err.push(errNum(r.error));
        cols.st.push(ok.filter((h) => h.hook === 'onStart').length);
        cols.en.push(ok.filter((h) => h.hook === 'onEnd').length);
        cols.hk.push(r.hooks.length);
      }
    });
  });
  arrays.push(['T_next', cols.next], ['T_err', cols.err], ['T_st', cols.st], ['T_en', cols.en], ['T_hk', cols.hk], ['LF', flags], ['TOFF', toff], ['LOFF', loff]);
  arrays.push(['S_START', model.tables.map((t) => t.spec.start ?? -1)], ['S_END', model.tables.map((t) => t.spec.end ?? -1)]);
  L.push('init {');
  L.push('  c_code {');
  for (const [name, values] of arrays) {
    L.push(`    { static const int v[] = {${values.join(',')}}; int i; for (i = 0; i < ${values.length}; i++) ${name}[i] = v[i]; }`);
  }
  L.push('  };');
  L.push('  do');
  calls.forEach((body, k) => {
    L.push(`  :: d_step { /* ${describe(model.calls[k])} */ before(); ${body}; stateProps(); ${transProps[k]}; skip }`);
  });
  L.push('  od');
  L.push('}');
  return `${L.join('\n')}\n`;
}

function describe(c: LifecycleModel['calls'][number]): string {
  if (c.call !== 'event') return c.call;
  return `event ${c.type} ${JSON.stringify(c.options)}`;
}

/** Property names by the number `VIOLATION <n>` prints. */
export const promelaPropertyName = (n: number): string => PROMELA_PROPERTIES[n];
