"""
GPTQ in float64 numpy, written from the paper (Frantar, Ashkboos, Hoefler, Alistarh, "GPTQ: Accurate
Post-Training Quantization for Generative Pre-trained Transformers", arXiv 2210.17323, Algorithm 1) and
compressed-tensors' min-max quantizer, independent of llmc-sim's TypeScript:

  H = (2/n_batches) * sum_b X_b^T X_b;  dead inputs (H_ii = 0): H_ii = 1 and their weight column 0;
  H += dampening_frac * mean(diag H) * I;  U = upper Cholesky factor of H^-1 (here: np.linalg.inv, then
  np.linalg.cholesky of the inverse, transposed - a different route from llmc-sim's reversal trick);
  for each block of B columns, for each column j: q = quant(w_j); e = (w_j - q) / U_jj;
  w_k -= e * U_jk for the block's later columns; after the block, W[:, i2:] -= E . U[i1:i2, i2:].
  actorder: columns by decreasing diag H; 'weight' keeps the original column groups (g_idx), 'group'
  recomputes scales on the permuted weight. Scales: min-max of the weight before GPTQ.
  NVFP4 (format="nvfp4", tensor_group): compressed-tensors' scales of the weight before GPTQ, global scale
  g = 448*6/amax(W), per (row, group) s = e4m3(min(g*amax/6, 448)) (0 -> 0.125), each column quantized as
  e2m1(clip(w/(s/g), +-6))*(s/g) with its group's s (upstream quantize_weight's tensor_group branch); the
  element and scale casts by ml_dtypes (float4_e2m1fn, float8_e4m3fn), all in float64.

Usage:
  python3 bench/python/gptq_reference.py --fixtures   # writes test/fixtures/gptq/cases.json
  python3 bench/python/gptq_reference.py --bench --rows 4096 --cols 4096 --tokens 512  # float32 timing, JSON
"""
import argparse
import json
import time

import ml_dtypes
import numpy as np

from fixture_cases import write_cases


def minmax_qparams(W, bits, symmetric, strategy, group_size):
    """compressed-tensors calculate_qparams: per tensor / row / (row, group), range includes 0."""
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    rows, cols = W.shape
    if strategy == "tensor":
        slices = W.reshape(1, 1, -1)
    elif strategy == "channel":
        slices = W.reshape(rows, 1, cols)
    else:
        groups = -(-cols // group_size)
        pad = groups * group_size - cols
        Wp = np.concatenate([W, np.full((rows, pad), np.nan)], axis=1) if pad else W
        slices = Wp.reshape(rows, groups, group_size)
    lo = np.minimum(np.nanmin(slices, axis=2), 0.0)
    hi = np.maximum(np.nanmax(slices, axis=2), 0.0)
    if symmetric:
        scale = np.maximum(np.abs(lo), np.abs(hi)) / ((qmax - qmin) / 2)
        scale[scale == 0] = np.finfo(np.float64).eps
        zp = np.zeros_like(scale)
    else:
        scale = (hi - lo) / (qmax - qmin)
        scale[scale == 0] = np.finfo(np.float64).eps
        zp = np.round(np.clip(qmin - lo / scale, qmin, qmax))  # np.round: half to even, as torch.round
    return scale, zp, qmin, qmax


def nvfp4_qparams(W, group_size, g):
    """NVFP4's FP8 group scales s [rows, groups] and the divisors s/g, float64."""
    rows, cols = W.shape
    m = np.max(np.abs(W.reshape(rows, cols // group_size, group_size)), axis=2)
    s = np.minimum(g * (m / 6.0), 448.0).astype(ml_dtypes.float8_e4m3fn).astype(np.float64)
    s[s == 0] = 0.125
    return s, s / g


def quant_e2m1(x, divisor):
    return np.clip(x / divisor, -6.0, 6.0).astype(ml_dtypes.float4_e2m1fn).astype(np.float64) * divisor


def quant(x, scale, zp, qmin, qmax):
    return (np.round(np.clip(x / scale + zp, qmin, qmax)) - zp) * scale


def gptq(W, H, bits=4, symmetric=True, strategy="group", group_size=8, actorder=None, block=4, damp=0.01, fmt=None):
    W = W.astype(np.float64).copy()
    H = H.astype(np.float64).copy()
    rows, cols = W.shape
    perm = np.arange(cols)
    if actorder:
        perm = np.argsort(-np.diag(H), kind="stable")
        W, H = W[:, perm], H[perm][:, perm]
    observed = W if actorder == "group" else W[:, np.argsort(perm)]
    if fmt == "nvfp4":
        scale, divisor = nvfp4_qparams(observed, group_size, 2688.0 / np.max(np.abs(W)))
        zp = np.zeros_like(scale)
    else:
        scale, zp, qmin, qmax = minmax_qparams(observed, bits, symmetric, strategy, group_size)
    if strategy in ("group", "tensor_group"):
        g_idx = (perm if actorder == "weight" else np.arange(cols)) // group_size

    def quantize(w, j):
        if fmt == "nvfp4":
            return quant_e2m1(w, divisor[:, g_idx[j]])
        s, z = col_params(j)
        return quant(w, s, z, qmin, qmax)

    def col_params(j):
        if strategy == "tensor":
            return scale[0, 0], zp[0, 0]
        if strategy == "channel":
            return scale[:, 0], zp[:, 0]
        return scale[:, g_idx[j]], zp[:, g_idx[j]]

    nz = (np.abs(W) > 1e-8).astype(np.float64) if np.mean(W == 0) >= 0.05 else np.ones_like(W)
    dead = np.diag(H) == 0
    H[dead, dead] = 1.0
    W[:, dead] = 0.0
    H += damp * np.mean(np.diag(H)) * np.eye(cols)
    U = np.linalg.cholesky(np.linalg.inv(H)).T
    loss = 0.0
    for i1 in range(0, cols, block):
        i2 = min(i1 + block, cols)
        E = np.zeros((rows, i2 - i1))
        for j in range(i1, i2):
            w = W[:, j].copy()
            q = quantize(w, j)
            e = (w - q) / U[j, j]
            loss += np.sum(e * e)
            W[:, j] = q
            E[:, j - i1] = e
            W[:, j + 1:i2] -= np.outer(e, U[j, j + 1:i2]) * nz[:, j + 1:i2]
        W[:, i2:] -= E @ U[i1:i2, i2:] * nz[:, i2:]
    out = np.empty_like(W)
    out[:, perm] = W
    result = {"weight": out, "scales": scale, "zero_points": zp, "loss": loss / 2}
    if strategy in ("group", "tensor_group"):
        g = np.empty(cols, dtype=np.int64)
        g[perm] = g_idx
        result["g_idx"] = g
    return result


def hessian(batches):
    return sum(2.0 * X.T @ X for X in batches) / len(batches)


CASES = [
    dict(name="group-static-actorder", rows=6, cols=24, bits=4, symmetric=True, strategy="group", group_size=8, actorder="weight", block=5, damp=0.01),
    dict(name="group-actorder-group", rows=6, cols=24, bits=4, symmetric=True, strategy="group", group_size=8, actorder="group", block=8, damp=0.01),
    dict(name="group-no-actorder-asym", rows=5, cols=16, bits=3, symmetric=False, strategy="group", group_size=4, actorder=None, block=3, damp=0.05),
    dict(name="channel-dead-input", rows=7, cols=12, bits=4, symmetric=True, strategy="channel", group_size=None, actorder=None, block=4, damp=0.01, dead=[3]),
    dict(name="tensor-8bit-sparse", rows=4, cols=10, bits=8, symmetric=True, strategy="tensor", group_size=None, actorder="weight", block=128, damp=0.01, sparse=True),
    dict(name="nvfp4-static-actorder", rows=6, cols=48, bits=4, symmetric=True, strategy="tensor_group", group_size=16, actorder="weight", block=20, damp=0.01, format="nvfp4"),
    dict(name="nvfp4-actorder-group", rows=5, cols=32, bits=4, symmetric=True, strategy="tensor_group", group_size=16, actorder="group", block=128, damp=0.01, format="nvfp4"),
    dict(name="nvfp4-no-actorder", rows=7, cols=32, bits=4, symmetric=True, strategy="tensor_group", group_size=16, actorder=None, block=8, damp=0.05, format="nvfp4"),
]


def fixtures():
    rng = np.random.default_rng(20221017)
    out = []
    for c in CASES:
        W = rng.standard_normal((c["rows"], c["cols"]))
        if c.get("sparse"):
            W[rng.random(W.shape) < 0.3] = 0.0
        scales_in = np.exp(rng.standard_normal(c["cols"]))  # uneven input channels, so actorder matters
        batches = [rng.standard_normal((t, c["cols"])) * scales_in for t in (5, 7, 3)]
        for b in batches:
            for d in c.get("dead", []):
                b[:, d] = 0.0
        H = hessian(batches)
        r = gptq(W, H, c["bits"], c["symmetric"], c["strategy"], c["group_size"], c["actorder"], c["block"], c["damp"], c.get("format"))
        out.append({
            **c,
            "W": W.ravel().tolist(),
            "batches": [b.ravel().tolist() for b in batches],
            "tokens": [b.shape[0] for b in batches],
            "expected": {k: np.asarray(v).ravel().tolist() for k, v in r.items() if k != "loss"} | {"loss": r["loss"]},
        })
    write_cases("gptq", out)


def bench(rows, cols, tokens, group_size, reps):
    """The same algorithm in float32 numpy (BLAS for the products), timed from the calibration inputs on."""
    rng = np.random.default_rng(0)
    W = rng.standard_normal((rows, cols)).astype(np.float32) * 0.02
    X = rng.standard_normal((tokens, cols)).astype(np.float32)
    best = None
    for _ in range(reps):
        t0 = time.perf_counter()
        H = 2.0 * (X.T @ X)
        H = H.astype(np.float32)
        t1 = time.perf_counter()
        qmin, qmax = -8, 7
        Wg = W.reshape(rows, cols // group_size, group_size)
        scale = np.maximum(np.abs(np.minimum(Wg.min(2), 0)), np.maximum(Wg.max(2), 0)) / 7.5
        perm = np.argsort(-np.diag(H), kind="stable")
        Wt = np.ascontiguousarray(W[:, perm].T)  # columns contiguous, as llmc-sim keeps them
        Hp = H[perm][:, perm]
        g_idx = perm // group_size
        Hp += np.float32(0.01) * np.mean(np.diag(Hp)) * np.eye(cols, dtype=np.float32)
        t2 = time.perf_counter()
        L = np.linalg.cholesky(Hp)
        t3 = time.perf_counter()
        Linv = np.linalg.inv(L)  # H^-1 = Linv^T Linv
        U = np.linalg.cholesky(Linv.T @ Linv).T
        t4 = time.perf_counter()
        B = 128
        for i1 in range(0, cols, B):
            i2 = min(i1 + B, cols)
            Et = np.zeros((i2 - i1, rows), dtype=np.float32)
            for j in range(i1, i2):
                s = scale[:, g_idx[j]]
                w = Wt[j]
                q = (np.round(np.clip(w / s, qmin, qmax))) * s
                e = (w - q) / U[j, j]
                Wt[j] = q
                Et[j - i1] = e
                Wt[j + 1:i2] -= np.outer(U[j, j + 1:i2], e)
            Wt[i2:] -= U[i1:i2, i2:].T @ Et
        t5 = time.perf_counter()
        run = {"seconds": t5 - t0, "phases": {"hessian": t1 - t0, "prepare": t2 - t1, "cholesky": t3 - t2, "inverse": t4 - t3, "loop": t5 - t4}}
        if best is None or run["seconds"] < best["seconds"]:
            best = run
    print(json.dumps({"rows": rows, "cols": cols, "tokens": tokens, **best}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--rows", type=int, default=4096)
    ap.add_argument("--cols", type=int, default=4096)
    ap.add_argument("--tokens", type=int, default=512)
    ap.add_argument("--group-size", type=int, default=128)
    ap.add_argument("--reps", type=int, default=1)
    a = ap.parse_args()
    if a.fixtures:
        fixtures()
    if a.bench:
        bench(a.rows, a.cols, a.tokens, a.group_size, a.reps)
