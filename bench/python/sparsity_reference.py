"""
SparseGPT and Wanda in float64 numpy, written from the papers, independent of llmc-sim's TypeScript:
- SparseGPT (Frantar & Alistarh, arXiv 2301.00774, Algorithm 1 with lazy block updates): H = (2/n) sum X^T X,
  dead inputs H_ii = 1 and weight 0, H += damp * mean(diag H) I, U = chol(inv(H)).T; per block: mask =
  saliency w^2 / U_jj^2 <= its `sparsity` quantile (or per row the N smallest of every M columns, chosen
  when the sweep reaches them); zero masked weights and push each column's error e = (w - q)/U_jj into
  later columns by e * U_j,k.
- Wanda (Sun et al., arXiv 2306.11695): metric |W_ij| * sqrt(mean_b ||X_b[:, j]||^2), per output row the
  smallest floor(cols * sparsity) (stable), or N smallest of every M.
Usage: python3 bench/python/sparsity_reference.py   # writes test/fixtures/sparsity/cases.json
"""

import numpy as np

from fixture_cases import write_cases


def sparsegpt(W, H, sparsity, n, m, block, damp):
    W = W.copy()
    H = H.copy()
    rows, cols = W.shape
    dead = np.diag(H) == 0
    H[dead, dead] = 1.0
    W[:, dead] = 0.0
    H += damp * np.mean(np.diag(H)) * np.eye(cols)
    U = np.linalg.cholesky(np.linalg.inv(H)).T
    d = np.diag(U)
    loss = 0.0
    for i1 in range(0, cols, block):
        i2 = min(i1 + block, cols)
        E = np.zeros((rows, i2 - i1))
        if n == 0:
            sal = W[:, i1:i2] ** 2 / d[i1:i2] ** 2
            flat = np.sort(sal.ravel())
            thresh = flat[min(int(sal.size * sparsity), sal.size - 1)]
            mask = sal <= thresh
        else:
            mask = np.zeros((rows, i2 - i1), dtype=bool)
        for j in range(i1, i2):
            i = j - i1
            if n and i % m == 0:
                width = min(m, i2 - j)
                sal = W[:, j:j + width] ** 2 / d[j:j + width] ** 2
                order = np.argsort(sal, axis=1, kind="stable")[:, :n]
                for r in range(rows):
                    mask[r, i + order[r]] = True
            w = W[:, j].copy()
            q = np.where(mask[:, i], 0.0, w)
            e = (w - q) / U[j, j]
            loss += np.sum(e * e)
            W[:, j] = q
            E[:, i] = e
            W[:, j + 1:i2] -= np.outer(e, U[j, j + 1:i2])
        W[:, i2:] -= E @ U[i1:i2, i2:]
    return W, loss / 2


def wanda(W, batches, sparsity, n, m):
    S = sum((X ** 2).sum(axis=0) for X in batches) / len(batches)
    metric = np.abs(W) * np.sqrt(S)[None, :]
    out = W.copy()
    rows, cols = W.shape
    for r in range(rows):
        if n:
            for g in range(0, cols, m):
                idx = g + np.argsort(metric[r, g:g + m], kind="stable")[:n]
                out[r, idx] = 0.0
        else:
            idx = np.argsort(metric[r], kind="stable")[: int(cols * sparsity)]
            out[r, idx] = 0.0
    return out


CASES = [
    dict(name="unstructured-50", rows=6, cols=20, sparsity=0.5, n=0, m=0, block=6, damp=0.01),
    dict(name="2:4", rows=5, cols=16, sparsity=0.5, n=2, m=4, block=8, damp=0.01),
    dict(name="unstructured-70-dead", rows=4, cols=12, sparsity=0.7, n=0, m=0, block=128, damp=0.05, dead=[5]),
]


def main():
    rng = np.random.default_rng(230102)
    out = []
    for c in CASES:
        W = rng.standard_normal((c["rows"], c["cols"]))
        gains = np.exp(rng.standard_normal(c["cols"]))
        batches = [rng.standard_normal((t, c["cols"])) * gains for t in (6, 4, 9)]
        for b in batches:
            for j in c.get("dead", []):
                b[:, j] = 0.0
        H = sum(2.0 * X.T @ X for X in batches) / len(batches)
        Ws, loss = sparsegpt(W, H, c["sparsity"], c["n"], c["m"], c["block"], c["damp"])
        Ww = wanda(W, batches, c["sparsity"], c["n"], c["m"])
        out.append({**c, "W": W.ravel().tolist(), "batches": [b.ravel().tolist() for b in batches], "tokens": [b.shape[0] for b in batches],
                    "sparsegpt": Ws.ravel().tolist(), "loss": loss, "wanda": Ww.ravel().tolist()})
    write_cases("sparsity", out)


if __name__ == "__main__":
    main()
