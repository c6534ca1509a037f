/**
 * SignRound on one Linear layer (Cheng et al., "Optimize Weight Rounding via Signed Gradient Descent for the
 * Quantization of LLMs", arXiv 2309.05516; intel/auto-round's `quantize_layer`): learns a rounding offset V
 * per weight and clipping factors α (min side) and β (max side) per quantization group by signed gradient
 * descent on the layer's output error over calibration inputs, with straight-through rounding.
 *
 * The quantizer is compressed-tensors' min-max one (the format the checkpoint stores), with the clipped range:
 *   lo = min(wmin, 0)·α, hi = max(wmax, 0)·β;
 *   symmetric  s = max(−lo, hi)/((qmax − qmin)/2), zp = 0;
 *   asymmetric s = (hi − lo)/(qmax − qmin),        zp = round(clamp(qmin − lo/s));
 *   q = round(clamp(w/s + V + zp)), ŵ = s·(q − zp)   (round half to even; s = 0 → the dtype's epsilon).
 * Gradients (analytic; ∂round = 1, ∂clamp = 1 inside [qmin, qmax] else 0; a tie in max(−lo, hi) goes to β):
 *   ∂L/∂ŵ = 2·(ŵ − w)·H_batch / N,  H_batch = Σ_{s ∈ batch} X_sᵀX_s;
 *   ∂ŵ/∂V = s·in;  ∂ŵ/∂s = (q − zp) − in·w/s;  ∂ŵ/∂zp = s·(in − 1);  then through s(lo, hi) and zp(lo, s).
 * The loop (auto-round): lr_i = lr·(1 − i/iters) (LinearLR to 0); at iteration i the loss of the current
 * parameters on the batch is compared with the best so far (the best parameters are kept), then
 * V −= lr_i·sign(∂V), α −= lr_i·sign(∂α), β −= lr_i·sign(∂β), α, β clamped to [0, 1]. The final ŵ uses the
 * best parameters; with iters = 0 it is round-to-nearest exactly (fakeQuantize's arithmetic).
 * Loss: the squared output error summed over the batch divided by `numElm` (auto-round: the input element count
 * of the first `batchSize` samples when batchSize > 1; the output element count of the sample when 1).
 */
import { roundHalfEven } from '../../tensor/index.ts';
import { accumulateGram, linear } from '../../tensor/ops.ts';
import { Tensor } from '../../tensor/tensor.ts';

export interface SignRoundOptions {
  numBits: number;
  symmetric: boolean;
  strategy: 'tensor' | 'channel' | 'group';
  groupSize: number | null;
  iters: number;
  /** Rounding lr (auto-round: 1/iters, 2/iters for iters ≥ 1000 and ≤ 3 bits). */
  lr: number;
  /** Min-max lr (auto-round: the rounding lr). */
  minmaxLr: number;
  /** auto-round's `batch_size` (the samples per iteration, at most all of them). */
  batchSize: number;
  /** The samples of iteration i (auto-round's IndexSampler). */
  nextBatch: (iteration: number) => readonly number[];
  /** 'float32': intermediate results rounded as the stored weight is. */
  dtype: 'float32' | 'float64';
}

/** One calibration sample of the layer's input: `x` [tokens, cols]. */
export interface LayerSample {
  x: ArrayLike<number>;
  tokens: number;
}

export interface SignRoundResult {
  /** ŵ [rows, cols] with the best parameters. */
  weight: Float64Array;
  /** Per group (tensor: 1, channel: rows, group: rows·groups). */
  scales: Float64Array;
  zeroPoints: Int32Array;
  v: Float64Array;
  minScale: Float64Array;
  maxScale: Float64Array;
  /** The loss at iteration 0 (round-to-nearest), the best loss and its iteration (auto-round's log line). */
  initLoss: number;
  bestLoss: number;
  bestIter: number;
}

interface Groups {
  count: number;
  of: (r: number, c: number) => number;
}

function groupsOf(rows: number, cols: number, o: SignRoundOptions): Groups {
  if (o.strategy === 'tensor') return { count: 1, of: () => 0 };
  if (o.strategy === 'channel') return { count: rows, of: (r) => r };
  const g = o.groupSize ?? 0;
  if (!(g > 0)) throw new RangeError('group quantization needs a positive groupSize');
  const per = Math.ceil(cols / g);
  return { count: rows * per, of: (r, c) => r * per + Math.floor(c / g) };
}

/** Per-group qparams of the clipped range, with what the gradients need. */
interface QParams {
  s: Float64Array;
  zp: Float64Array;
  lo: Float64Array;
  /** z̃ = qmin − lo/s inside [qmin, qmax] (asymmetric). */
  zIn: Uint8Array;
  /** s was 0 and replaced by epsilon: no gradient to α, β. */
  flat: Uint8Array;
}

export function signRound(w: ArrayLike<number>, rows: number, cols: number, samples: readonly LayerSample[], o: SignRoundOptions): SignRoundResult {
  const groups = groupsOf(rows, cols, o);
  const G = groups.count;
  const r: (x: number) => number = o.dtype === 'float32' ? Math.fround : (x) => x;
  const eps = o.dtype === 'float32' ? 2 ** -23 : 2 ** -52;
  const qmin = -(2 ** (o.numBits - 1));
  const qmax = 2 ** (o.numBits - 1) - 1;
  const half = (qmax - qmin) / 2;
  const R = qmax - qmin;
  const n = rows * cols;
  const gIdx = new Int32Array(n);
  const wmin = new Float64Array(G);
  const wmax = new Float64Array(G);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const g = groups.of(i, j);
      gIdx[i * cols + j] = g;
      const x = w[i * cols + j];
      if (x < wmin[g]) wmin[g] = x;
      if (x > wmax[g]) wmax[g] = x;
    }

  const v = new Float64Array(n);
  const alpha = new Float64Array(G).fill(1);
  const beta = new Float64Array(G).fill(1);
  const qp: QParams = { s: new Float64Array(G), zp: new Float64Array(G), lo: new Float64Array(G), zIn: new Uint8Array(G), flat: new Uint8Array(G) };

  const computeQParams = (): void => {
    for (let g = 0; g < G; g++) {
      const lo = r(wmin[g] * alpha[g]);
      const hi = r(wmax[g] * beta[g]);
      let s = o.symmetric ? r(Math.max(-lo, hi) / half) : r(r(hi - lo) / R);
      qp.flat[g] = s === 0 ? 1 : 0;
      if (s === 0) s = eps;
      qp.s[g] = s;
      qp.lo[g] = lo;
      if (o.symmetric) {
        qp.zp[g] = 0;
        qp.zIn[g] = 0;
      } else {
        const z = r(qmin - r(lo / s));
        qp.zIn[g] = z >= qmin && z <= qmax ? 1 : 0;
        qp.zp[g] = roundHalfEven(Math.min(qmax, Math.max(qmin, z)));
      }
    }
  };

  /** ŵ, q − zp and the in-range mask for the current parameters. */
  const wq = new Float64Array(n);
  const qz = new Float64Array(n);
  const inside = new Uint8Array(n);
  const quantize = (): void => {
    computeQParams();
    for (let k = 0; k < n; k++) {
      const g = gIdx[k];
      const s = qp.s[g];
      const zp = qp.zp[g];
      const t = r(r(r(w[k] / s) + v[k]) + zp);
      inside[k] = t >= qmin && t <= qmax ? 1 : 0;
      const q = roundHalfEven(t < qmin ? qmin : t > qmax ? qmax : t);
      qz[k] = q - zp;
      wq[k] = r(qz[k] * s);
    }
  };

  const grams = samples.map((smp) => {
    const h = new Float64Array(cols * cols);
    accumulateGram(h, smp.x, smp.tokens, cols, 1);
    return h;
  });
  const firstBatch = Math.min(samples.length, o.batchSize);
  let inputElements = 0;
  for (let i = 0; i < firstBatch; i++) inputElements += samples[i].tokens * cols;
  const h = new Float64Array(cols * cols);
  const e = new Float64Array(n);
  const gw = new Float64Array(n);

  /** Loss of the current ŵ on `batch`, and ∂L/∂ŵ into gw. */
  let hKey = '';
  let tokens = 0;
  const lossAndGrad = (batch: readonly number[]): number => {
    const key = [...batch].sort((a, b) => a - b).join(',');
    if (key !== hKey) {
      hKey = key;
      h.fill(0);
      tokens = 0;
      for (const b of batch) {
        const gb = grams[b];
        for (let k = 0; k < h.length; k++) h[k] += gb[k];
        tokens += samples[b].tokens;
      }
    }
    const numElm = o.batchSize === 1 ? tokens * rows : inputElements;
    for (let k = 0; k < n; k++) e[k] = wq[k] - w[k];
    const eh = linear(new Tensor(e, [rows, cols]), new Tensor(h, [cols, cols])).data; // E·H (H symmetric)
    let loss = 0;
    for (let k = 0; k < n; k++) {
      gw[k] = (2 * eh[k]) / numElm;
      loss += e[k] * eh[k];
    }
    return loss / numElm;
  };

  let best = { loss: Infinity, iter: 0, v: Float64Array.from(v), alpha: Float64Array.from(alpha), beta: Float64Array.from(beta) };
  let initLoss = Number.NaN;
  const gs = new Float64Array(G);
  const gz = new Float64Array(G);
  for (let it = 0; it < o.iters; it++) {
    quantize();
    const loss = lossAndGrad(o.nextBatch(it));
    if (it === 0) initLoss = loss;
    if (loss < best.loss) best = { loss, iter: it, v: Float64Array.from(v), alpha: Float64Array.from(alpha), beta: Float64Array.from(beta) };
    const decay = 1 - it / o.iters;
    const lr = o.lr * decay;
    const mlr = o.minmaxLr * decay;
    gs.fill(0);
    gz.fill(0);
    for (let k = 0; k < n; k++) {
      const g = gIdx[k];
      const s = qp.s[g];
      const dv = gw[k] * s * inside[k];
      gs[g] += gw[k] * (qz[k] - (inside[k] ? w[k] / s : 0));
      if (!o.symmetric) gz[g] += gw[k] * s * (inside[k] - 1);
      v[k] -= lr * Math.sign(dv);
    }
    for (let g = 0; g < G; g++) {
      if (qp.flat[g]) continue;
      const lo0 = Math.min(wmin[g], 0);
      const hi0 = Math.max(wmax[g], 0);
      let dAlpha: number;
      let dBeta: number;
      if (o.symmetric) {
        const beta_ = hi0 * beta[g] >= -lo0 * alpha[g];
        dAlpha = beta_ ? 0 : (gs[g] / half) * -lo0;
        dBeta = beta_ ? (gs[g] / half) * hi0 : 0;
      } else {
        const s = qp.s[g];
        const lo = qp.lo[g];
        const zin = qp.zIn[g];
        const dLo = -gs[g] / R + gz[g] * zin * (-1 / s - lo / (s * s * R));
        const dHi = gs[g] / R + gz[g] * zin * (lo / (s * s * R));
        dAlpha = dLo * lo0;
        dBeta = dHi * hi0;
      }
      alpha[g] = Math.min(1, Math.max(0, alpha[g] - mlr * Math.sign(dAlpha)));
      beta[g] = Math.min(1, Math.max(0, beta[g] - mlr * Math.sign(dBeta)));
    }
  }
  v.set(best.v);
  alpha.set(best.alpha);
  beta.set(best.beta);
  quantize();
  const zeroPoints = new Int32Array(G);
  for (let g = 0; g < G; g++) zeroPoints[g] = qp.zp[g];
  return {
    weight: Float64Array.from(wq), scales: Float64Array.from(qp.s), zeroPoints, v, minScale: alpha, maxScale: beta,
    initLoss, bestLoss: o.iters > 0 ? best.loss : Number.NaN, bestIter: best.iter,
  };
}

/**
 * auto-round's IndexSampler: a shuffled index list handed out `batchSize` at a time, reshuffled (and restarted)
 * when fewer than `batchSize` remain. `shuffle` permutes in place (llmc-sim: a seeded Fisher–Yates).
 */
export function indexSampler(samples: number, batchSize: number, shuffle: (a: number[]) => void): (iteration: number) => number[] {
  const indices = Array.from({ length: samples }, (_, i) => i);
  shuffle(indices);
  let index = 0;
  return () => {
    if (index + batchSize > samples) {
      shuffle(indices);
      index = 0;
    }
    const batch = indices.slice(index, index + batchSize);
    index += batchSize;
    return batch;
  };
}
