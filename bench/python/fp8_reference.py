"""
FP8 e4m3 fake quantization with ml_dtypes' float8_e4m3fn cast (the rounding torch's `.to(torch.float8_e4m3fn)`
does: nearest, ties to even), in float32 as compressed-tensors: scale = max|x| / 448 per slice, q =
e4m3(clamp(x/scale, -448, 448)), x_hat = q * scale. Writes test/fixtures/fp8/cases.json.
Run: python3 bench/python/fp8_reference.py   (needs numpy and ml_dtypes)
"""

import ml_dtypes
import numpy as np

from fixture_cases import write_cases


def fq(x, axis_rows):
    x = x.astype(np.float32)
    slices = x.reshape(1, -1) if not axis_rows else x
    m = np.max(np.abs(slices), axis=1, keepdims=True)
    scale = (m / np.float32(448)).astype(np.float32)
    scale[scale == 0] = np.finfo(np.float32).eps
    q = np.clip((slices / scale).astype(np.float32), -448, 448).astype(ml_dtypes.float8_e4m3fn).astype(np.float32)
    return (q * scale).astype(np.float32).reshape(x.shape), scale.ravel()


def main():
    rng = np.random.default_rng(8)
    x = (rng.standard_normal((6, 40)) * np.exp(2 * rng.standard_normal((6, 1)))).astype(np.float32)
    x[0, :5] = [0.0, -0.0, 1e-9, -3e-7, 448.0]
    grid = np.array([i * 2.0 ** -12 for i in range(-4096, 4097)], dtype=np.float32)  # ties and subnormals
    ref_grid = np.clip(grid * np.float32(2 ** 9), -448, 448).astype(ml_dtypes.float8_e4m3fn).astype(np.float32)
    out = {
        "x": x.ravel().tolist(), "rows": 6, "cols": 40,
        "tensor": [v.ravel().tolist() for v in fq(x, False)],
        "channel": [v.ravel().tolist() for v in fq(x, True)],
        "grid": (grid * np.float32(2 ** 9)).tolist(), "grid_e4m3": ref_grid.tolist(),
    }
    write_cases("fp8", out)


if __name__ == "__main__":
    main()
