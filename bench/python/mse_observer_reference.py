"""Independent numpy reference for LLM Compressor 0.12's MSE observers (observers/mse.py, observers/imatrix.py).

Written from upstream's algorithm, not from llmc-sim's code: per slice, min/max of the slice; for
p = 1 - i/grid (i = 0 .. int(maxshrink*grid) - 1 for `mse`; 0 .. max(1, int(maxshrink*grid)) for
`imatrix_mse`), candidate range [p*min, p*max] (float32), compressed-tensors' calculate_qparams and
fake_quantize (float32; FP8 through ml_dtypes' float8_e4m3fn cast, nearest-even), error
sum(|q - x|^norm (* importance)); keep a slice's candidate when its error is strictly smaller; stop after
`patience` steps in a row that improve no slice. The error is summed in float64 here and in llmc-sim
(torch sums float32; the one deliberate difference, it only matters for near-ties).
The `mse` activation observer averages each batch's result: lerp(old, new, c) = old*(1-c) + new*c in float32.

Writes test/fixtures/mse/cases.json (float32 values as uint32 bit patterns). Run:
    python3 bench/python/mse_observer_reference.py
"""
import json
import os

import ml_dtypes
import numpy as np

F32 = np.float32
EPS = np.finfo(np.float32).eps


def bits(a):
    return np.asarray(a, dtype=np.float32).reshape(-1).view(np.uint32).tolist()


def qparams(lo, hi, args):
    """calculate_qparams for int or fp8 args, float32."""
    lo = np.minimum(F32(lo), F32(0))
    hi = np.maximum(F32(hi), F32(0))
    if args["type"] == "float":
        scale = F32(np.maximum(np.abs(lo), np.abs(hi)) / F32(448.0))
        return F32(max(scale, EPS)), 0.0
    qmin, qmax = -(2 ** (args["bits"] - 1)), 2 ** (args["bits"] - 1) - 1
    rng = float(qmax - qmin)
    if args["symmetric"]:
        scale = F32(np.maximum(np.abs(lo), np.abs(hi)) / F32(rng / 2))
        return F32(max(scale, EPS)), 0.0
    scale = F32(max(F32(F32(hi - lo) / F32(rng)), EPS))
    zp = np.clip(F32(F32(qmin) - F32(lo / scale)), qmin, qmax)
    return scale, float(np.round(zp))


def qdq(x, scale, zp, args):
    x = np.asarray(x, dtype=np.float32)
    if args["type"] == "float":
        v = np.clip(x / scale, F32(-448), F32(448)).astype(np.float32)
        q = v.astype(ml_dtypes.float8_e4m3fn).astype(np.float32)
        return (q * scale).astype(np.float32)
    qmin, qmax = -(2 ** (args["bits"] - 1)), 2 ** (args["bits"] - 1) - 1
    v = (x / scale).astype(np.float32) + F32(zp)
    q = np.round(np.clip(v, qmin, qmax))
    return ((q - F32(zp)) * scale).astype(np.float32)


def grid_search(slices, args, maxshrink, patience, grid, norm, variant, importance=None):
    mins = [F32(np.min(s)) for s in slices]
    maxs = [F32(np.max(s)) for s in slices]
    best = [np.inf] * len(slices)
    best_lo, best_hi = list(mins), list(maxs)
    raw = int(maxshrink * grid)
    steps = raw if variant == "mse" else max(1, raw) + 1
    no_improve = 0
    for i in range(steps):
        p = F32(1 - i / grid)
        improved = False
        for k, s in enumerate(slices):
            lo, hi = F32(p * mins[k]), F32(p * maxs[k])
            scale, zp = qparams(lo, hi, args)
            d = np.abs((qdq(s, scale, zp, args) - s).astype(np.float32)).astype(np.float64) ** norm
            if importance is not None:
                d = d * importance[k]
            err = float(np.sum(d))
            if err < best[k]:
                best[k], best_lo[k], best_hi[k] = err, lo, hi
                improved = True
        if improved:
            no_improve = 0
        else:
            no_improve += 1
            if (variant == "mse" or patience > 0) and no_improve >= patience:
                break
    return best_lo, best_hi


def weight_case(rng, rows, cols, args, variant="mse", importance=None, **kw):
    w = (rng.standard_normal((rows, cols)) * rng.uniform(0.5, 2.0, (rows, 1))).astype(np.float32)
    w[0, 3] = F32(9.0)  # an outlier: shrinking the range pays
    width = rows * cols if args["strategy"] == "tensor" else args.get("group", cols)
    flat = [w.reshape(-1)] if args["strategy"] == "tensor" else [w[i, g:g + width] for i in range(rows) for g in range(0, cols, width)]
    imp = None
    if importance is not None:
        imp = [importance[g:g + width] for i in range(rows) for g in range(0, cols, width)]
    o = dict(maxshrink=0.2, patience=5, grid=100.0, norm=2.4) if variant == "mse" else dict(maxshrink=0.95, patience=5, grid=20, norm=3.0)
    o.update(kw)
    lo, hi = grid_search(flat, args, o["maxshrink"], o["patience"], o["grid"], o["norm"], variant, imp)
    out = np.concatenate([qdq(s, *qparams(lo[k], hi[k], args), args) for k, s in enumerate(flat)]).reshape(rows, cols)
    return {"w": bits(w), "rows": rows, "cols": cols, "lo": bits(lo), "hi": bits(hi), "value": bits(out)}


def main():
    rng = np.random.default_rng(20261130)
    cases = {
        "int4_channel_sym": weight_case(rng, 8, 64, {"type": "int", "bits": 4, "symmetric": True, "strategy": "channel"}),
        "int4_group16_asym": weight_case(rng, 8, 64, {"type": "int", "bits": 4, "symmetric": False, "strategy": "group", "group": 16}),
        "int8_tensor_sym": weight_case(rng, 8, 64, {"type": "int", "bits": 8, "symmetric": True, "strategy": "tensor"}),
        "fp8_channel": weight_case(rng, 8, 64, {"type": "float", "bits": 8, "symmetric": True, "strategy": "channel"}),
        "int4_channel_kwargs": weight_case(rng, 8, 64, {"type": "int", "bits": 4, "symmetric": True, "strategy": "channel"}, maxshrink=0.5, grid=40.0, norm=2.0, patience=2),
    }
    imp_raw = rng.uniform(0.0, 4.0, 64).astype(np.float32)
    imp = (imp_raw / F32(F32(np.mean(imp_raw, dtype=np.float64)) + np.finfo(np.float32).tiny)).astype(np.float32).astype(np.float64)
    c = weight_case(rng, 8, 64, {"type": "int", "bits": 4, "symmetric": True, "strategy": "channel"}, variant="imatrix", importance=imp)
    c["importance"] = bits(imp.astype(np.float32))
    cases["imatrix_int4_channel"] = c
    # static per-tensor int8 activations, `mse` (moving average, constant 0.01) over three batches
    args = {"type": "int", "bits": 8, "symmetric": True, "strategy": "tensor"}
    batches = [(rng.standard_normal((5, 32)) * s).astype(np.float32) for s in (1.0, 3.0, 0.5)]
    lo = hi = None
    for b in batches:
        blo, bhi = grid_search([b.reshape(-1)], args, 0.2, 5, 100.0, 2.4, "mse")
        if lo is None:
            lo, hi = blo[0], bhi[0]
        else:
            lo = F32(F32(lo * F32(1 - 0.01)) + F32(blo[0] * F32(0.01)))
            hi = F32(F32(hi * F32(1 - 0.01)) + F32(bhi[0] * F32(0.01)))
    scale, _ = qparams(lo, hi, args)
    cases["act_mse_int8"] = {"batches": [bits(b) for b in batches], "rows": 5, "cols": 32, "lo": bits([lo]), "hi": bits([hi]), "scale": bits([scale])}
    out = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "mse", "cases.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(cases, f)
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
