import { Tensor } from '../tensor.ts';
import { dims2 } from './matmul.ts';

/**
 * Embedding centring (spinquant.md §5): each row `e` becomes `e − mean(e)`; mean and difference in float64,
 * stored in the weight's dtype. Buffers: `e` [num, dim] → result [num, dim]. Mean summed in ascending order.
 */
export function centerRows(e: Tensor): Tensor {
  const [rows, cols] = dims2(e);
  const out = Tensor.zeros(e.shape, e.dtype);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += e.data[row + j];
    const mean = sum / cols;
    for (let j = 0; j < cols; j++) out.data[row + j] = e.data[row + j] - mean;
  }
  return out;
}
