/**
 * Wanda (Sun et al. 2023, arXiv 2306.11695; LLM Compressor 0.12 `wanda_sparsify.sparsify_weight`): prune by
 * the metric |W_ij|·√S_j, S_j the mean over calibration samples of ‖X_:,j‖², per output row: the
 * ⌊cols·sparsity⌋ smallest (a stable sort), or the N smallest of each M consecutive columns. Buffers: `w`
 * [rows, cols] row-major, `s` [cols]; result [rows, cols] row-major float64.
 */
export function wandaPrune(w: ArrayLike<number>, rows: number, cols: number, s: ArrayLike<number>, sparsity: number, pruneN: number, pruneM: number): Float64Array {
  const out = Float64Array.from(w);
  const root = Float64Array.from(s, Math.sqrt);
  const metric = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let c = 0; c < cols; c++) metric[c] = Math.abs(out[row + c]) * root[c];
    if (pruneN !== 0) {
      for (let g = 0; g < cols; g += pruneM) {
        const idx = Array.from({ length: Math.min(pruneM, cols - g) }, (_, k) => g + k);
        idx.sort((a, b) => metric[a] - metric[b] || a - b);
        for (let k = 0; k < Math.min(pruneN, idx.length); k++) out[row + idx[k]] = 0;
      }
    } else {
      const idx = Array.from({ length: cols }, (_, k) => k);
      idx.sort((a, b) => metric[a] - metric[b] || a - b);
      const k = Math.floor(cols * sparsity);
      for (let i = 0; i < k; i++) out[row + idx[i]] = 0;
    }
  }
  return out;
}

/** `S += ‖X_:,j‖²` as a running mean over samples (one [tokens, cols] batch is one sample). Buffers: `s` [cols], `x` [tokens, cols]. */
export function accumulateRowScalars(s: Float64Array, samples: number, x: ArrayLike<number>, tokens: number, cols: number): number {
  const total = samples + 1;
  for (let c = 0; c < cols; c++) s[c] *= samples / total;
  for (let t = 0; t < tokens; t++) for (let c = 0; c < cols; c++) s[c] += (x[t * cols + c] * x[t * cols + c]) / total;
  return total;
}
