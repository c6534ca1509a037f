/**
 * The forward of an AWQ parent module on its cached input, for the grid search: the parent's output under the
 * balance layers' current weights, as upstream's `_run_samples` gets it from `parent(**cached_kwargs)` with
 * HooksMixin hooks disabled (so no Linear, query or key hook runs here). Parents llmc-sim can run: a Linear
 * (a single balance layer, its own lowest common ancestor), `LlamaAttention` (o_proj of causal GQA over
 * RoPE'd q/k/v) and `LlamaMLP` (down(silu(gate)·up)); their input is the first Linear's input.
 */
import { ValueError } from '../../core/errors.ts';
import type { Model } from '../../model/model.ts';
import type { Linear, LlamaAttention, LlamaRotaryEmbedding, Module } from '../../model/modules.ts';
import { causalAttention, rope, ropeTables, swiglu } from '../../model/forward/kernels.ts';
import { linear } from '../../tensor/ops.ts';
import { Tensor } from '../../tensor/tensor.ts';

export interface ParentRunner {
  /** The Linear whose input is the parent's input (its forward-pre hook caches it). */
  inputLayer: Linear;
  run(x: Tensor): Tensor;
}

const dense = (x: Tensor, l: Linear) => linear(x, l.weight, l.bias);

/**
 * How to run `parent`.
 * @throws {ValueError} for a parent llmc-sim has no forward for (e.g. a whole decoder layer).
 */
export function parentRunner(model: Model, name: string, parent: Module): ParentRunner {
  const child = (local: string): Linear => {
    const m = model.getModule(`${name}.${local}`);
    if (m?.kind !== 'linear') throw new ValueError(`AWQ parent ${name} has no Linear ${local}`);
    return m;
  };
  if (parent.kind === 'linear') return { inputLayer: parent, run: (x) => dense(x, parent) };
  if (parent.className === 'LlamaMLP') {
    const gate = child('gate_proj'), up = child('up_proj'), down = child('down_proj');
    return {
      inputLayer: gate,
      run: (x) => {
        const g = dense(x, gate);
        swiglu(g.data, dense(x, up).data, g.size);
        return dense(g, down);
      },
    };
  }
  if (parent.kind === 'attention') {
    const rotary = model.getModule('model.rotary_emb') as LlamaRotaryEmbedding;
    const [q, k, v, o] = ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map(child);
    return { inputLayer: q, run: (x) => attention(parent, rotary, q, k, v, o, x) };
  }
  throw new ValueError(`AWQ: llmc-sim cannot run the parent module ${name || '(root)'} (${parent.className}) of a mapping; its balance layers must share a LlamaAttention, a LlamaMLP, or be one Linear`);
}

function attention(a: LlamaAttention, rotary: LlamaRotaryEmbedding, qp: Linear, kp: Linear, vp: Linear, op: Linear, x: Tensor): Tensor {
  const T = x.shape[0], hd = a.headDim;
  const q = dense(x, qp), k = dense(x, kp), v = dense(x, vp);
  const cos = new Float64Array((T * hd) / 2), sin = new Float64Array((T * hd) / 2);
  ropeTables(cos, sin, T, hd, rotary.theta);
  const interleaved = rotary.style === 'interleaved';
  rope(q.data, T, a.numHeads, hd, cos, sin, interleaved);
  rope(k.data, T, a.numKvHeads, hd, cos, sin, interleaved);
  const out = Tensor.zeros([T, a.numHeads * hd], q.dtype);
  const att = q.dtype === 'float64' ? new Float64Array(T) : new Float32Array(T);
  causalAttention(out.data, q.data, k.data, v.data, att, T, a.numHeads, a.numKvHeads, hd);
  return dense(out, op);
}
