"""
OWL layer-wise sparsity in float64 numpy, written from the paper (Yin et al., "Outlier Weighed Layerwise
Sparsity", arXiv 2310.05175) and LLM Compressor 0.12's SparsityModifierBase._infer_owl_layer_sparsity,
independent of llmc-sim's TypeScript:
- input norm per Linear and input channel: sum over forwards of sqrt(sum over tokens of x^2), / 128;
- per layer, the scores |W_ij| * a_j of all its Linears; outlier ratio = 100 * share of scores > M * mean;
- ratios rescaled to (r - min) / (max - min) * 2 * lambda; layer sparsity 1 - (r - mean(r) + 1 - target).
Usage: python3 bench/python/owl_reference.py   # writes test/fixtures/owl/cases.json
"""

import numpy as np

from fixture_cases import write_cases

CASES = [
    {"layers": 3, "linears": 2, "rows": 8, "cols": 12, "sparsity": 0.7, "m": 5, "lmbda": 0.05},
    {"layers": 4, "linears": 3, "rows": 6, "cols": 10, "sparsity": 0.5, "m": 3, "lmbda": 0.08},
    {"layers": 2, "linears": 1, "rows": 16, "cols": 7, "sparsity": 0.3, "m": 2, "lmbda": 0.2},
]


def norms(batches):
    return sum(np.sqrt((X ** 2).sum(axis=0)) for X in batches) / 128.0


def outlier_ratio(linears, m):
    z = np.concatenate([(np.abs(W) * a[None, :]).ravel() for W, a in linears])
    return 100.0 * np.count_nonzero(z > z.mean() * m) / z.size


def sparsities(ratios, target, lmbda):
    r = np.asarray(ratios)
    r = (r - r.min()) / (r.max() - r.min()) * lmbda * 2
    return 1 - (r - r.mean() + (1 - target))


def main():
    rng = np.random.default_rng(231005)
    out = []
    for c in CASES:
        layers = []
        for layer in range(c["layers"]):
            linears = []
            for _ in range(c["linears"]):
                W = rng.standard_normal((c["rows"], c["cols"]))
                # Heavier input channels in later layers: outlier shares differ from layer to layer.
                gains = np.exp(rng.standard_normal(c["cols"]) * (0.5 + layer))
                batches = [rng.standard_normal((t, c["cols"])) * gains for t in (5, 3, 8)]
                linears.append({"W": W, "batches": batches})
            layers.append(linears)
        ratios = [outlier_ratio([(L["W"], norms(L["batches"])) for L in linears], c["m"]) for linears in layers]
        out.append({
            **c,
            "data": [[{"W": L["W"].ravel().tolist(), "batches": [b.ravel().tolist() for b in L["batches"]],
                       "norms": norms(L["batches"]).tolist()} for L in linears] for linears in layers],
            "ratios": ratios,
            "sparsities": sparsities(ratios, c["sparsity"], c["lmbda"]).tolist(),
        })
    write_cases("owl", out)


if __name__ == "__main__":
    main()
