"""
SignRound (AutoRound) on one Linear layer in float64 numpy, written from the paper (Cheng et al., "Optimize
Weight Rounding via Signed Gradient Descent for the Quantization of LLMs", arXiv 2309.05516, Algorithm 1)
and intel/auto-round's layer-wise loop (`quantize_layer`: SignSGD, LinearLR to 0, best-loss parameters),
with compressed-tensors' min-max quantizer on the clipped range; independent of llmc-sim's TypeScript
(vectorised over [rows, groups, group_size] instead of element loops; gradients from X directly,
dL/dW_hat = 2 (X E^T)^T X / N, instead of from per-sample Gram matrices):

  lo = min(wmin, 0) * alpha, hi = max(wmax, 0) * beta            (per group)
  sym:  s = max(-lo, hi) / ((qmax - qmin) / 2), zp = 0
  asym: s = (hi - lo) / (qmax - qmin), zp = round(clip(qmin - lo / s, qmin, qmax))
  q = round(clip(w / s + V + zp, qmin, qmax)), w_hat = s (q - zp)  (half to even; s = 0 -> eps)
  straight-through: d round = 1, d clip = 1 inside [qmin, qmax]; max(-lo, hi) ties go to beta
  for i in range(iters): loss_i on batch_i; keep the best (V, alpha, beta); step with lr (1 - i / iters):
    V -= lr_i sign(dV); alpha, beta -= lr_i sign(.), clipped to [0, 1]

Usage:
  python3 bench/python/autoround_reference.py --fixtures   # writes test/fixtures/autoround/cases.json
"""
import argparse
import json
import pathlib

import numpy as np


def grouped(W, strategy, group_size):
    rows, cols = W.shape
    if strategy == "tensor":
        return W.reshape(1, 1, -1)
    if strategy == "channel":
        return W.reshape(rows, 1, cols)
    assert cols % group_size == 0
    return W.reshape(rows, cols // group_size, group_size)


def forward(Wg, V, alpha, beta, bits, sym):
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    lo0 = np.minimum(Wg.min(axis=2, keepdims=True), 0.0)
    hi0 = np.maximum(Wg.max(axis=2, keepdims=True), 0.0)
    lo, hi = lo0 * alpha, hi0 * beta
    if sym:
        s = np.maximum(-lo, hi) / ((qmax - qmin) / 2)
    else:
        s = (hi - lo) / (qmax - qmin)
    flat = s == 0
    s = np.where(flat, np.finfo(np.float64).eps, s)
    if sym:
        zp = np.zeros_like(s)
        zin = np.zeros_like(s)
    else:
        zt = qmin - lo / s
        zin = ((zt >= qmin) & (zt <= qmax)).astype(np.float64)
        zp = np.round(np.clip(zt, qmin, qmax))
    t = Wg / s + V + zp
    inside = ((t >= qmin) & (t <= qmax)).astype(np.float64)
    q = np.round(np.clip(t, qmin, qmax))
    return dict(what=s * (q - zp), s=s, zp=zp, q=q, inside=inside, lo0=lo0, hi0=hi0, lo=lo, hi=hi, zin=zin, flat=flat)


def signround(W, xs, bits, sym, strategy, group_size, iters, lr, batch_size, batches):
    rows, cols = W.shape
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    R, half = qmax - qmin, (qmax - qmin) / 2
    Wg = grouped(W, strategy, group_size)
    V = np.zeros_like(Wg)
    alpha = np.ones(Wg.shape[:2] + (1,))
    beta = np.ones(Wg.shape[:2] + (1,))
    first = min(len(xs), batch_size)
    input_elements = sum(x.size for x in xs[:first])
    best = (np.inf, 0, V.copy(), alpha.copy(), beta.copy())
    init_loss = None
    for i in range(iters):
        f = forward(Wg, V, alpha, beta, bits, sym)
        E = f["what"].reshape(rows, cols) - W
        X = np.concatenate([xs[b] for b in batches[i]], axis=0)
        N = X.shape[0] * rows if batch_size == 1 else input_elements
        D = X @ E.T
        loss = float(np.sum(D * D)) / N
        G = (2 * D.T @ X / N).reshape(Wg.shape)
        if i == 0:
            init_loss = loss
        if loss < best[0]:
            best = (loss, i, V.copy(), alpha.copy(), beta.copy())
        s, zp, inside = f["s"], f["zp"], f["inside"]
        dV = G * s * inside
        ds = np.sum(G * ((f["q"] - zp) - inside * Wg / s), axis=2, keepdims=True)
        if sym:
            to_beta = f["hi"] >= -f["lo"]
            dalpha = np.where(to_beta, 0.0, ds / half * -f["lo0"])
            dbeta = np.where(to_beta, ds / half * f["hi0"], 0.0)
        else:
            dz = np.sum(G * s * (inside - 1), axis=2, keepdims=True)
            lo = f["lo"]
            dlo = -ds / R + dz * f["zin"] * (-1 / s - lo / (s * s * R))
            dhi = ds / R + dz * f["zin"] * (lo / (s * s * R))
            dalpha, dbeta = dlo * f["lo0"], dhi * f["hi0"]
        dalpha = np.where(f["flat"], 0.0, dalpha)
        dbeta = np.where(f["flat"], 0.0, dbeta)
        step = lr * (1 - i / iters)
        V = V - step * np.sign(dV)
        alpha = np.clip(alpha - step * np.sign(dalpha), 0, 1)
        beta = np.clip(beta - step * np.sign(dbeta), 0, 1)
    _, best_iter, V, alpha, beta = best
    f = forward(Wg, V, alpha, beta, bits, sym)
    return dict(
        weight=f["what"].reshape(rows, cols), scales=f["s"].ravel(), zero_points=f["zp"].ravel(), v=V.reshape(rows, cols),
        init_loss=init_loss, best_loss=best[0], best_iter=best_iter,
    )


def case(name, rows, cols, bits, sym, strategy, group_size, iters, batch_size, nsamples, seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 0.05, size=(rows, cols))
    W[rng.integers(rows), rng.integers(cols)] *= 8
    tokens = [int(t) for t in rng.integers(3, 9, size=nsamples)]
    scales = np.exp(rng.normal(0, 1, size=cols))  # uneven input channels, as in real activations
    xs = [rng.normal(0, 1, size=(t, cols)) * scales for t in tokens]
    lr = 1.0 / iters
    batches, order, index = [], list(range(nsamples)), 0
    b = min(batch_size, nsamples)
    for _ in range(iters):
        if index + b > nsamples:
            rng.shuffle(order)
            index = 0
        batches.append(order[index:index + b])
        index += b
    r = signround(W, xs, bits, sym, strategy, group_size, iters, lr, batch_size, batches)
    rtn = signround(W, xs, bits, sym, strategy, group_size, 1, lr, batch_size, [list(range(nsamples))])
    X = np.concatenate(xs, axis=0)
    full = lambda Wq: float(np.sum((X @ (Wq - W).T) ** 2))
    return {
        "name": name, "rows": rows, "cols": cols, "bits": bits, "symmetric": sym, "strategy": strategy, "group_size": group_size,
        "iters": iters, "lr": lr, "batch_size": batch_size, "W": W.ravel().tolist(), "xs": [x.ravel().tolist() for x in xs],
        "tokens": tokens, "batches": batches,
        "expected": {
            "weight": r["weight"].ravel().tolist(), "scales": r["scales"].tolist(), "zero_points": r["zero_points"].tolist(),
            "init_loss": r["init_loss"], "best_loss": r["best_loss"], "best_iter": r["best_iter"],
            "error": full(r["weight"]), "rtn_error": full(rtn["weight"]),
        },
    }


CASES = [
    ("W4 sym channel, 16x24, all samples per step", 16, 24, 4, True, "channel", None, 40, 8, 6, 1),
    ("W4 asym group 8, 12x16, batches of 2 of 5", 12, 16, 4, False, "group", 8, 30, 2, 5, 2),
    ("W3 sym tensor, 8x12, batch 1", 8, 12, 3, True, "tensor", None, 25, 1, 4, 3),
    ("W2 asym channel, 10x20, batches of 3 of 7", 10, 20, 2, False, "channel", None, 50, 3, 7, 4),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--fixtures", action="store_true")
    a = p.parse_args()
    cases = [case(*c) for c in CASES]
    if a.fixtures:
        out = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "autoround" / "cases.json"
        out.write_text(json.dumps(cases))
        print(out)
    for c in cases:
        e = c["expected"]
        print(f'{c["name"]}: loss {e["init_loss"]:.4g} -> {e["best_loss"]:.4g} (iter {e["best_iter"]}); full-data error {e["error"]:.4g} vs RTN {e["rtn_error"]:.4g}')


if __name__ == "__main__":
    main()
