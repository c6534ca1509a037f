/**
 * NVFP4's fused global scales (LLM Compressor 0.12 `update_fused_layer_weight_global_scales`): vLLM runs
 * q/k/v and gate/up as one fused matmul with one global scale, so each of those weights takes the smallest
 * global scale of its siblings, when all siblings are tensor_group-quantized.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import { dataRange, nvfp4GlobalScale } from '../../tensor/ops.ts';

const FUSED: readonly (readonly string[])[] = [['q_proj', 'k_proj', 'v_proj'], ['gate_proj', 'up_proj']];

/** The sibling module names fused with `name` (itself included), or null when it is in no fused set. */
export function fusedSiblings(name: string): string[] | null {
  const dot = name.lastIndexOf('.');
  const parent = name.slice(0, dot + 1);
  const leaf = name.slice(dot + 1);
  const set = FUSED.find((s) => s.includes(leaf));
  return set ? set.map((s) => parent + s) : null;
}

/**
 * The global scale NVFP4 uses for `name`'s weight: its own, or the minimum over its fused siblings when
 * `weightOf` returns a tensor_group weight for every one of them.
 */
export function nvfp4WeightGlobalScale(name: string, weightOf: (name: string) => Tensor | null): number {
  const own = weightOf(name)!;
  const siblings = fusedSiblings(name);
  const weights = siblings?.map(weightOf) ?? [own];
  const all = weights.every((w): w is Tensor => w !== null) ? weights : [own];
  return Math.min(...all.map((w) => {
    const { lo, hi } = dataRange(w.data);
    return nvfp4GlobalScale(lo, hi, w.dtype);
  }));
}
