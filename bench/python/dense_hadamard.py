"""Dense baseline for bench/tensor.ts: time `W @ H` for a 4096x4096 float32 W and Sylvester H/sqrt(n).

Prints one JSON object: {"seconds": median, "reps": k, "n": n, "numpy": version}. Usage:
    python3 bench/python/dense_hadamard.py [n] [reps]
"""
import json
import sys
import time

import numpy as np


def sylvester(n: int) -> np.ndarray:
    h = np.ones((1, 1), dtype=np.float32)
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return h


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(0)
    w = rng.standard_normal((n, n), dtype=np.float32)
    h = sylvester(n) / np.float32(np.sqrt(n))
    w @ h  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        w @ h
        times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps({"seconds": times[len(times) // 2], "reps": reps, "n": n, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
