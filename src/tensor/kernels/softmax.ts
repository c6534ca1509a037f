import type { TensorData } from '../tensor.ts';

/** Softmax of x[0..n) in place. Subtracting the max first keeps exp() from overflowing; the result is the same. */
export function softmax(x: TensorData, n: number): void {
  let max = x[0];
  for (let i = 1; i < n; i++) if (x[i] > max) max = x[i];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    x[i] = Math.exp(x[i] - max);
    sum += x[i];
  }
  for (let i = 0; i < n; i++) x[i] /= sum;
}
