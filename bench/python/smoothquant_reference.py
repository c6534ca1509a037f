"""
SmoothQuant's and log-equalization's smoothing scales in float64 numpy, from the papers (Xiao et al.,
arXiv 2211.10438, eq. 4: s_j = max|X_j|^a / max|W_j|^(1-a); arXiv 2308.15987: s_j = max|X_j| / log2(2 +
max|X_j|)) with LLM Compressor 0.12's conventions: the activation statistic is the per-channel range
max - min over all calibration tokens, the weight statistic 2 * max |W_:,j| over every balance layer, and
scales floored at 1e-5. Writes test/fixtures/smoothquant/cases.json.
"""

import numpy as np

from fixture_cases import write_cases


def scales(X, Ws, alpha, algorithm):
    a = X.max(axis=0) - X.min(axis=0)
    if algorithm == "log_equalization":
        s = a / np.log2(2 + a)
    else:
        w = 2.0 * np.max(np.stack([np.abs(W).max(axis=0) for W in Ws]), axis=0)
        s = np.where(w > 0, a ** alpha / np.where(w > 0, w, 1) ** (1 - alpha), a)
    return np.maximum(s, 1e-5)


def main():
    rng = np.random.default_rng(2211)
    out = []
    for name, alpha, algorithm in (("smoothquant-0.5", 0.5, "smoothquant"), ("smoothquant-0.8", 0.8, "smoothquant"), ("log-equalization", 0.5, "log_equalization")):
        ch = 12
        X = rng.standard_normal((30, ch)) * np.exp(2 * rng.standard_normal(ch))
        Ws = [rng.standard_normal((r, ch)) for r in (8, 5)]
        Ws[1][:, 3] = 0.0
        Ws[0][:, 3] = 0.0  # a channel no balance weight uses: s = a
        out.append({"name": name, "alpha": alpha, "algorithm": algorithm, "X": X.ravel().tolist(), "tokens": 30, "channels": ch,
                    "W": [W.ravel().tolist() for W in Ws], "rows": [W.shape[0] for W in Ws], "scales": scales(X, Ws, alpha, algorithm).tolist()})
    write_cases("smoothquant", out)


if __name__ == "__main__":
    main()
