#!/usr/bin/env python3
"""numpy float32 anchors for `vecformer bench exp` and `vecformer bench layernorm` (one thread: numpy's ufuncs do not thread).

    python3 bench/compare/numpy_kernels.py --op exp --n 65536          # np.exp over n floats in [-30, 0]: ns per element
    python3 bench/compare/numpy_kernels.py --op layernorm --t 1024 --d-model 512
                                                                       # (x - mean) / sqrt(mean(xc²) + 1e-5) · w + b: ms

Prints one JSON object; every time is the best of --runs timed blocks of --repeat calls after a warm-up.
"""
import argparse
import json
import time

import numpy as np


def best_seconds(fn, runs, repeat):
    for _ in range(max(1, repeat // 2)):
        fn()
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - t0) / repeat)
    return best


def layer_norm(x, w, b, eps, tmp, out):
    """out = (x - mean) / sqrt(mean((x - mean)²) + eps) · w + b over the last axis, in float32 with in-place steps."""
    np.subtract(x, x.mean(axis=-1, keepdims=True, dtype=np.float32), out=tmp)
    scale = np.sqrt(np.einsum("ij,ij->i", tmp, tmp)[:, None] / np.float32(x.shape[-1]) + np.float32(eps), dtype=np.float32)
    np.divide(tmp, scale, out=out)
    out *= w
    out += b
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--op", required=True, choices=["exp", "layernorm"])
    ap.add_argument("--n", type=int, default=65536)
    ap.add_argument("--t", type=int, default=1024)
    ap.add_argument("--d-model", type=int, default=512)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    if a.op == "exp":
        x = (-30 * rng.random(a.n)).astype(np.float32)
        out = np.empty_like(x)
        s = best_seconds(lambda: np.exp(x, out=out), a.runs, a.repeat)
        print(json.dumps({"op": "exp", "n": a.n, "threads": 1, "ns_per_element": round(s / a.n * 1e9, 4),
                          "numpy": np.__version__}))
        return
    x = rng.standard_normal((a.t, a.d_model), dtype=np.float32)
    w = (1 + 0.1 * rng.standard_normal(a.d_model)).astype(np.float32)
    b = (0.1 * rng.standard_normal(a.d_model)).astype(np.float32)
    tmp, out = np.empty_like(x), np.empty_like(x)
    s = best_seconds(lambda: layer_norm(x, w, b, 1e-5, tmp, out), a.runs, a.repeat)
    print(json.dumps({"op": "layernorm", "t": a.t, "d_model": a.d_model, "threads": 1, "ms": round(s * 1e3, 4),
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main()
