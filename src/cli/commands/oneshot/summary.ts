/**
 * What each modifier of a one-shot run did, in words, from the lifecycle's records (and, for
 * SpinQuant, the transforms it applied: its records carry only the drift).
 */
import type { LifecycleRecord } from '../../../core/records.ts';
import type { Modifier } from '../../../modifiers/modifier.ts';
import type { QuantizationApplied } from '../../../modifiers/quantization/base.ts';
import type { AppliedTransforms } from '../../../compressed-tensors/transform/apply.ts';

/** Transform locations applied at run time (hooks), not fused into a weight. */
const ONLINE = new Set(['input', 'output', 'q_attn', 'k_cache']);

const exp = (v: number) => v.toExponential(1);

/** `R1: fused into 16 weights; R3: online at 4 sites`, per transform scheme. */
export function describeRotations(applied: AppliedTransforms): string {
  const by = new Map<string, { fused: Set<string>; online: Set<string> }>();
  for (const s of applied.sites) {
    const entry = by.get(s.schemeName) ?? { fused: new Set(), online: new Set() };
    (ONLINE.has(s.location) ? entry.online : entry.fused).add(`${s.moduleName}:${s.location}`);
    by.set(s.schemeName, entry);
  }
  return [...by]
    .map(([name, { fused, online }]) => {
      const parts = [];
      if (fused.size) parts.push(`fused into ${fused.size} weight${fused.size === 1 ? '' : 's'}`);
      if (online.size) parts.push(`online at ${online.size} site${online.size === 1 ? '' : 's'}`);
      return `${name} ${parts.join(' + ')}`;
    })
    .join('; ');
}

/** True when the run left transforms that only hooks apply (not stored in the weights). */
export function hasOnlineTransforms(applied: AppliedTransforms | null | undefined): boolean {
  return !!applied && applied.sites.some((s) => ONLINE.has(s.location));
}

/** One line per modifier: what it did to the model. */
export function describeModifiers(modifiers: readonly Modifier[], records: readonly LifecycleRecord[]): string[] {
  return modifiers.map((m, position) => {
    const own = records.filter((r): r is Extract<LifecycleRecord, { type: 'effect.modifier' }> => r.type === 'effect.modifier' && r.position === position);
    const name = m.constructor.name;
    const parts: string[] = [];
    const others = new Map<string, Record<string, unknown>[]>();
    const applied = (m as { applied?: AppliedTransforms | null }).applied;
    if (applied) parts.push(`rotated: ${describeRotations(applied)}`);
    for (const r of own) {
      const d = r.data as Record<string, unknown>;
      if (r.kind === 'spinquant.drift') {
        const drift = d as { rotations: { maxAbs: number }; centering: { maxAbs: number } };
        parts.push(`rotations alone moved the logits by at most ${exp(drift.rotations.maxAbs)}${drift.centering.maxAbs > 0 ? `, centring by ${exp(drift.centering.maxAbs)}` : ''}`);
      } else if (r.kind === 'quantization.applied') {
        const q = d as unknown as QuantizationApplied;
        parts.push(`quantized the weights of ${q.weights.length} module${q.weights.length === 1 ? '' : 's'}`);
        if (q.inputActivations.length) parts.push(`input activations of ${q.inputActivations.length} (fake-quant hooks)`);
        if (q.outputActivations?.length) parts.push(`output activations of ${q.outputActivations.length}`);
        if (q.kvCache?.length) parts.push(`the KV cache of ${q.kvCache.length} attention module${q.kvCache.length === 1 ? '' : 's'}`);
        if (q.skipped.length) parts.push(`skipped ${q.skipped.length} never calibrated`);
      } else if (r.kind === 'pruning.sparsity') {
        parts.push(`pruned ${d.modules} module${d.modules === 1 ? '' : 's'} to ${(Number(d.measured) * 100).toFixed(1)}% sparsity`);
      } else {
        others.set(r.kind, [...(others.get(r.kind) ?? []), d]);
      }
    }
    for (const [kind, list] of others) parts.push(describeEffects(kind, list));
    if (!parts.length) parts.push(m.started ? 'started, changed nothing it records' : 'never started');
    return `${name}: ${parts.join('; ')}`;
  });
}

/**
 * Effects of one kind in a phrase: one effect by its message (or its data), several as a count and the first and
 * last module they name (`gptq.quantize ×14: model.layers.0.self_attn.q_proj … model.layers.1.mlp.down_proj`).
 */
function describeEffects(kind: string, list: readonly Record<string, unknown>[]): string {
  if (list.length === 1) return typeof list[0].message === 'string' ? list[0].message : `${kind} ${JSON.stringify(list[0])}`;
  const modules = list.map((d) => d.module).filter((m): m is string => typeof m === 'string');
  const span = modules.length === 0 ? '' : modules.length === 1 ? `: ${modules[0]}` : `: ${modules[0]} … ${modules[modules.length - 1]}`;
  return `${kind} ×${list.length}${span}`;
}
