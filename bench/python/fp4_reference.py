"""
NVFP4, MX (MXFP4/MXFP8) and FP8-block fake quantization written from compressed-tensors 0.17's rules, with
ml_dtypes doing every element and scale cast (float4_e2m1fn and float8_e4m3fn: nearest, ties to even), in
float32 throughout. Writes test/fixtures/fp4/cases.json (every float32 as its uint32 bit pattern) for
test/tensor/fp4.test.ts.

  NVFP4 (tensor_group, group 16): g = f32(448*6 / max(amax, tiny)) (inf/nan -> 1); per group
    s = e4m3(clamp(g * (amax_g / 6), +-448)), 0 -> 0.125; eff = s / g; x_hat = e2m1(clamp(x / eff, +-6)) * eff.
  MX (group 32, uint8 scales): p2 = bits(amax_g) + 2**21 masked to sign|exponent (so 1.f*2^e -> 2^e, or
    2^(e+1) when f >= 0.75); E = clamp(127 + log2(p2) - emax, 0, 255) (emax 2 for e2m1, 8 for e4m3; p2 = 0 -> 0);
    scale = 2^(E-127); x_hat = elem(clamp(x / scale, +-max)) * scale.
  FP8 block [bh, bw] / FP8 group: scale = amax / 448 per block (zero padding) or per group, 0 -> float32 eps.

Run: python3 bench/python/fp4_reference.py   (needs numpy and ml_dtypes >= 0.5)
"""

import ml_dtypes
import numpy as np

from fixture_cases import write_cases

F = np.float32


def e2m1(v):
    return np.clip(v, -6, 6).astype(ml_dtypes.float4_e2m1fn).astype(F)


def e4m3(v):
    return np.clip(v, -448, 448).astype(ml_dtypes.float8_e4m3fn).astype(F)


def nvfp4(x, group, g=None):
    x = x.astype(F)
    if g is None:
        amax = max(float(np.max(np.abs(x))), float(np.finfo(F).tiny))
        with np.errstate(over="ignore"):
            g = F(F(2688.0) / F(amax))
        if not np.isfinite(g):
            g = F(1.0)
    g = F(g)
    xs = x.reshape(-1, group)
    m = np.max(np.abs(xs), axis=1, keepdims=True)
    s = e4m3((g * (m / F(6.0)).astype(F)).astype(F))
    s[s == 0] = F(0.125)
    eff = (s / g).astype(F)
    out = (e2m1((xs / eff).astype(F)) * eff).astype(F)
    return out.reshape(x.shape), s.ravel(), float(g)


def mx_exponent(m, emax):
    bits = m.astype(F).view(np.uint32).astype(np.int64)
    p2 = ((bits + (1 << 21)) & 0xFF800000).astype(np.uint32).view(F)
    with np.errstate(divide="ignore"):
        e = F(127) + np.floor(np.log2(p2)) - F(emax)
    return np.round(np.clip(e, 0, 255)).astype(np.uint8)


def mx(x, bits, group=32):
    x = x.astype(F)
    xs = x.reshape(-1, group)
    m = np.max(np.abs(xs), axis=1, keepdims=True)
    e = mx_exponent(m, 2 if bits == 4 else 8)
    scale = np.exp2(e.astype(np.int32).astype(F) - F(127)).astype(F)
    elem = e2m1 if bits == 4 else e4m3
    out = (elem((xs / scale).astype(F)) * scale).astype(F)
    return out.reshape(x.shape), e.ravel().astype(F)


def fp8_block(w, bh, bw):
    w = w.astype(F)
    r, c = w.shape
    pr, pc = (-r) % bh, (-c) % bw
    p = np.pad(w, ((0, pr), (0, pc)))
    blocks = p.reshape(p.shape[0] // bh, bh, p.shape[1] // bw, bw).transpose(0, 2, 1, 3)
    m = np.max(np.abs(blocks), axis=(2, 3), keepdims=True)
    s = (m / F(448)).astype(F)
    s[s == 0] = np.finfo(F).eps
    q = (e4m3((blocks / s).astype(F)) * s).astype(F)
    out = q.transpose(0, 2, 1, 3).reshape(p.shape)[:r, :c]
    return out, s.ravel()


def fp8_group(x, group):
    xs = x.astype(F).reshape(-1, group)
    m = np.max(np.abs(xs), axis=1, keepdims=True)
    s = (m / F(448)).astype(F)
    s[s == 0] = np.finfo(F).eps
    return (e4m3((xs / s).astype(F)) * s).astype(F).reshape(x.shape), s.ravel()


def lst(a):
    """float32 values as their bit patterns (uint32), exact and compact."""
    return np.asarray(a, dtype=F).ravel().view(np.uint32).tolist()


def main():
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((8, 64)) * np.exp(3 * rng.standard_normal((8, 1)))).astype(F)
    x[0, :16] = 0.0  # a zero group (scale eps / E = 0 paths)
    x[1, :4] = [1e-30, -3e-39, 7.0, -0.0]
    x[2, :32] *= F(1e-36)  # subnormal-range group amax
    x[3, 32:64] = np.array([1.75 * 2 ** k for k in range(-8, 8)] * 2, dtype=F)  # MX round-up boundary
    w = (rng.standard_normal((129, 132)) * 0.05).astype(F)
    w[128:129, 128:132] = 0.0  # a zero (partial) block
    grid = np.arange(-7.0, 7.0 + 1e-9, 0.03125).astype(F)  # every tie of e2m1, and saturation
    grid8 = np.arange(-480.0, 480.0, 0.25).astype(F)
    grid8 = np.concatenate([grid8, (np.arange(-1024, 1025) * 2.0 ** -12).astype(F)])
    g_act = F(37.5)
    out = {
        "x": lst(x), "rows": 8, "cols": 64,
        "grid": lst(grid), "grid_e2m1": lst(e2m1(grid)),
        "grid8": lst(np.clip(grid8, -448, 448)), "grid8_e4m3": lst(e4m3(grid8)),
        "nvfp4": [lst(v) for v in nvfp4(x, 16)[:2]] + [lst([nvfp4(x, 16)[2]])[0]],
        "nvfp4_global": lst([g_act])[0], "nvfp4_given": [lst(v) for v in nvfp4(x, 16, g_act)[:2]],
        "mxfp4": [lst(v) for v in mx(x, 4)], "mxfp8": [lst(v) for v in mx(x, 8)],
        "w": lst(w), "w_rows": 129, "w_cols": 132,
        "fp8_block": [lst(v) for v in fp8_block(w, 128, 128)],
        "fp8_group": [lst(v) for v in fp8_group(x, 32)],
    }
    write_cases("fp4", out)


if __name__ == "__main__":
    main()
