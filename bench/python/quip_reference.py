"""
QuIP's incoherence processing followed by round-to-nearest, in float64 numpy, written from the papers
(Chee, Cai, Kuleshov, De Sa, "QuIP: 2-Bit Quantization of Large Language Models With Guarantees",
arXiv 2307.13304; Tseng et al., "QuIP#", arXiv 2402.04396, section 3: the randomized Hadamard
transform as the incoherence processing) and LLM Compressor 0.12's QuIPModifier layout, independent of
llmc-sim's TypeScript:

  V (input side, size = in_features) and U (output side, size = out_features) orthogonal, here the
  normalised Sylvester Hadamard matrices H_n / sqrt(n) (transform_type 'hadamard', built by Kronecker
  products); the stored weight becomes W' = U^T W V (fused), the online transforms x -> x V before the
  layer and y -> y U^T after it keep y = x W^T; the quantizer then sees W'.
  RTN (compressed-tensors min-max, symmetric, per output channel, in float32 as the model's weights):
  s = max|row| / ((qmax - qmin) / 2), q = clip(round(w / s), qmin, qmax), half to even; the effective weight in the original basis is U Q V^T.

Usage:
  python3 bench/python/quip_reference.py --fixtures   # writes test/fixtures/quip/cases.json
"""
import argparse
import json
import pathlib

import numpy as np


def sylvester(n):
    h = np.ones((1, 1))
    while h.shape[0] < n:
        h = np.kron(np.array([[1.0, 1.0], [1.0, -1.0]]), h)
    assert h.shape[0] == n, "n must be a power of two"
    return h / np.sqrt(n)


def rtn_channel(W, bits):
    """In float32 as the model's weights are: the scale, and w / scale, decide ties (the row maximum lands
    on +-7.5 up to float32 rounding, so float64 arithmetic would round some maxima the other way)."""
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    W32 = W.astype(np.float32)
    s = np.max(np.abs(W32), axis=1, keepdims=True) / np.float32((qmax - qmin) / 2)
    s[s == 0] = np.finfo(np.float32).eps
    return (np.clip(np.round(W32 / s), qmin, qmax) * s).astype(np.float64)


def case(name, rows, cols, bits, outliers, seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 0.05, size=(rows, cols))
    for _ in range(outliers):
        W[rng.integers(rows), rng.integers(cols)] *= 40.0
    W = W.astype(np.float32).astype(np.float64)  # the model stores float32
    U, V = sylvester(rows), sylvester(cols)
    rotated = (U.T @ W @ V).astype(np.float32).astype(np.float64)
    Q = rtn_channel(rotated, bits)
    effective = U @ Q @ V.T
    return {
        "name": name, "rows": rows, "cols": cols, "bits": bits, "W": W.ravel().tolist(),
        "expected": {
            "rotated": rotated.ravel().tolist(),
            "quantized": Q.ravel().tolist(),
            "quip_error": float(np.sum((W - effective) ** 2)),
            "rtn_error": float(np.sum((W - rtn_channel(W, bits)) ** 2)),
        },
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--fixtures", action="store_true")
    a = p.parse_args()
    cases = [case("up_proj 64x32, W4 channel, 6 outliers", 64, 32, 4, 6, 11), case("up_proj 64x32, W4 channel, no outliers", 64, 32, 4, 0, 12)]
    if a.fixtures:
        out = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "quip" / "cases.json"
        out.write_text(json.dumps(cases))
        print(out)
    else:
        for c in cases:
            print(c["name"], "quip", c["expected"]["quip_error"], "rtn", c["expected"]["rtn_error"])


if __name__ == "__main__":
    main()
