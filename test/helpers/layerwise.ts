/** The layer-wise objective calibration algorithms minimize, and the inputs it is measured on. */
import type { Model } from '../../src/model/model.ts';
import type { Linear } from '../../src/model/modules.ts';
import type { Tensor } from '../../src/tensor/tensor.ts';

/** ‖(W − Ŵ)·Xᵀ‖² of a weight [out, in] and its quantized Ŵ over inputs X [tokens, in]. */
export function layerError(w: Tensor, q: Tensor, xs: Tensor[]): number {
  const [rows, cols] = w.shape;
  let s = 0;
  for (const x of xs)
    for (let t = 0; t < x.size / cols; t++)
      for (let r = 0; r < rows; r++) {
        let d = 0;
        for (let c = 0; c < cols; c++) d += (w.data[r * cols + c] - q.data[r * cols + c]) * x.data[t * cols + c];
        s += d * d;
      }
  return s;
}

/** Inputs of every Linear during a forward of `calibration` through `model` as it is, by module name. */
export function linearInputs(model: Model, calibration: number[][]): Map<string, Tensor[]> {
  const out = new Map<string, Tensor[]>();
  const handles = model.namedModules().filter(([, m]) => m.kind === 'linear').map(([name, m]) =>
    (m as Linear).registerForwardPreHook((x) => void (out.get(name) ?? out.set(name, []).get(name)!).push(x)));
  for (const b of calibration) model.forward(b);
  handles.forEach((h) => h.remove());
  return out;
}
