"""
AWQ's scale search in float64 numpy, written from the paper (Lin et al., arXiv 2306.00978, §3.2: s = s_X^a,
searched over a grid to minimise ||Q(W·diag(s)) (diag(s)^-1 X) - W X||) with LLM Compressor 0.12's
conventions (`AWQModifier._compute_best_scale`):
- s_X: the mean of |x| per input channel over every calibration token;
- duo scaling: s = s_X^r / (s_W^(1-r) + 1e-4), s_W the per-channel mean over all balance rows of |W| divided
  by (the max |W| of its quantization chunk + 1e-6); plain: s = s_X^r; both floored at 1e-4, then divided by
  sqrt(max(s) * min(s));
- the grid: duo True -> (0, plain) then n-1 duo ratios k/(n-2); False -> n plain ratios k/(n-1); 'both' ->
  n//2 ratios k/(n//2-1), each plain then duo;
- the loss: MSE over every output element of every batch between the parent's float output and its output
  with each balance weight replaced by Q(W·s)/s; Q is compressed-tensors' min-max round-to-nearest
  (round half to even) per channel or per group of columns; the first strictly smallest loss wins.
Parents: a Linear (one balance layer) and a Llama MLP (balance gate and up; down stays float).
Writes test/fixtures/awq/cases.json.
"""
import json
import pathlib

import numpy as np


def fake_quant(W, bits, symmetric, group):
    rows, cols = W.shape
    g = cols if group is None else group
    out = np.empty_like(W)
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    for c0 in range(0, cols, g):
        blk = W[:, c0:c0 + g]
        lo = np.minimum(blk.min(axis=1, keepdims=True), 0)
        hi = np.maximum(blk.max(axis=1, keepdims=True), 0)
        if symmetric:
            scale = np.maximum(np.abs(lo), np.abs(hi)) / ((qmax - qmin) / 2)
            zp = np.zeros_like(scale)
        else:
            scale = (hi - lo) / (qmax - qmin)
        scale = np.where(scale == 0, 2.0 ** -52, scale)
        if not symmetric:
            zp = np.round(np.clip(qmin - lo / scale, qmin, qmax))
        q = np.round(np.clip(blk / scale + zp, qmin, qmax))
        out[:, c0:c0 + g] = (q - zp) * scale
    return out


def layer_means(Ws, group):
    total, count = 0, 0
    for W in Ws:
        rows, cols = W.shape
        g = cols if group is None else group
        chunks = np.abs(W).reshape(-1, g)
        norm = chunks / (chunks.max(axis=1, keepdims=True) + 1e-6)
        total = total + norm.reshape(rows, cols).sum(axis=0)
        count += rows
    return total / count


def grid(n, duo):
    if duo == "both":
        h = n // 2
        return [(k / (h - 1), d) for k in range(h) for d in (False, True)]
    if duo is False:
        return [(k / (n - 1), False) for k in range(n)]
    return [(0.0, False)] + [(k / (n - 2), True) for k in range(n - 1)]


def candidate(x_mean, w_mean, ratio, duo):
    s = x_mean ** ratio / (w_mean ** (1 - ratio) + 1e-4) if duo else x_mean ** ratio
    s = np.maximum(s, 1e-4)
    s = s / np.sqrt(s.max() * s.min())
    s[~np.isfinite(s)] = 1
    return s


def silu(v):
    return v / (1 + np.exp(-v))


def run_case(name, rng, parent, bits, symmetric, group, n_grid, duo):
    dim, hidden, batches, tokens = 16, 24, 3, 7
    channel_scale = np.exp(1.5 * rng.standard_normal(dim))
    # on a 2^-10 grid, so every sum of |x| is exact whatever the summation order
    X = [np.round(rng.standard_normal((tokens, dim)) * channel_scale * 1024) / 1024 for _ in range(batches)]
    if parent == "linear":
        W = {"balance0": rng.standard_normal((12, dim))}
        balance = ["balance0"]
        run = lambda w, x: x @ w["balance0"].T
    else:
        W = {"gate": rng.standard_normal((hidden, dim)) / 4, "up": rng.standard_normal((hidden, dim)) / 4, "down": rng.standard_normal((dim, hidden)) / 5}
        balance = ["gate", "up"]
        run = lambda w, x: (silu(x @ w["gate"].T) * (x @ w["up"].T)) @ w["down"].T
    ref = [run(W, x) for x in X]
    allx = np.concatenate(X)
    x_mean = np.abs(allx).mean(axis=0)
    w_mean = layer_means([W[b] for b in balance], group)
    history, candidates, best, best_err = [], [], None, np.inf
    for ratio, d in grid(n_grid, duo):
        s = candidate(x_mean, w_mean, ratio, d)
        w = dict(W)
        for b in balance:
            w[b] = fake_quant(W[b] * s, bits, symmetric, group) / s
        err = sum(((r - run(w, x)) ** 2).sum() for r, x in zip(ref, X)) / sum(r.size for r in ref)
        history.append(err)
        candidates.append(s.tolist())
        if err < best_err:
            best_err, best = err, (ratio, d, s)
    return {
        "name": name, "parent": parent, "bits": bits, "symmetric": symmetric, "group": group, "nGrid": n_grid, "duo": duo,
        "X": [x.ravel().tolist() for x in X], "tokens": tokens, "dim": dim,
        "weights": {k: {"shape": list(v.shape), "data": v.ravel().tolist()} for k, v in W.items()},
        "balance": balance,
        "xMean": x_mean.tolist(), "wMean": w_mean.tolist(),
        "losses": history, "candidates": candidates, "bestRatio": best[0], "bestDuo": best[1], "bestScales": best[2].tolist(),
    }


def main():
    rng = np.random.default_rng(2306)
    cases = [
        run_case("linear-w4-group8-sym-duo", rng, "linear", 4, True, 8, 20, True),
        run_case("mlp-w4-channel-asym-both", rng, "mlp", 4, False, None, 10, "both"),
        run_case("linear-w3-group4-sym-plain", rng, "linear", 3, True, 4, 12, False),
        run_case("mlp-w4-group8-sym-duo", rng, "mlp", 4, True, 8, 20, True),
    ]
    out = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "awq" / "cases.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(cases, indent=None) + "\n")
    for c in cases:
        print(c["name"], "best ratio", c["bestRatio"], "duo", c["bestDuo"], "loss", min(c["losses"]), "identity", c["losses"][0])


if __name__ == "__main__":
    main()
