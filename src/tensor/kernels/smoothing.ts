/** Upstream's floor on a smoothing scale (`MINIMUM_SMOOTHING_SCALE`). */
export const MINIMUM_SMOOTHING_SCALE = 1e-5;

export type SmoothingAlgorithm = 'smoothquant' | 'log_equalization';

/**
 * Per-channel smoothing scales (LLM Compressor 0.12 `SmoothQuantModifier._calculate_smoothing_scales`), from
 * the activations' per-channel range a_j = max_j − min_j over the calibration data:
 * - SmoothQuant (Xiao et al., arXiv 2211.10438): s_j = a_j^α / w_j^(1−α), w_j = 2·max over the balance layers
 *   of max_i |W_ij| (s_j = a_j where w_j = 0);
 * - log equalization (arXiv 2308.15987): s_j = a_j / log2(2 + a_j);
 * then floored at MINIMUM_SMOOTHING_SCALE. Buffers: `actMin`, `actMax` [channels]; each balance weight
 * [rows, channels] row-major.
 */
export function smoothingScales(
  actMin: ArrayLike<number>, actMax: ArrayLike<number>, balance: readonly { data: ArrayLike<number>; rows: number }[],
  alpha: number, algorithm: SmoothingAlgorithm,
): Float64Array {
  const ch = actMin.length;
  const s = new Float64Array(ch);
  if (algorithm === 'log_equalization') {
    for (let j = 0; j < ch; j++) {
      const a = actMax[j] - actMin[j];
      s[j] = Math.max(a / Math.log2(2 + a), MINIMUM_SMOOTHING_SCALE);
    }
    return s;
  }
  const wmax = new Float64Array(ch);
  for (const { data, rows } of balance)
    for (let r = 0; r < rows; r++) for (let j = 0; j < ch; j++) wmax[j] = Math.max(wmax[j], Math.abs(data[r * ch + j]));
  for (let j = 0; j < ch; j++) {
    const a = actMax[j] - actMin[j];
    const w = 2 * wmax[j];
    const v = w > 0 ? a ** alpha / w ** (1 - alpha) : a;
    s[j] = Math.max(v, MINIMUM_SMOOTHING_SCALE);
  }
  return s;
}
