#!/usr/bin/python3
"""PyTorch CPU eager anchors for `vecformer bench exp`, `bench layernorm` and `bench softmax` (run with /usr/bin/python3).

    /usr/bin/python3 bench/compare/torch_kernels.py --op exp --n 65536                    # torch.exp over n floats in [-30, 0]
    /usr/bin/python3 bench/compare/torch_kernels.py --op layernorm --t 1024 --d-model 512 # F.layer_norm with weight and bias, eps 1e-5
    /usr/bin/python3 bench/compare/torch_kernels.py --op softmax --t 1024                 # torch.softmax(x · 0.125, -1) of [T, T]

Prints one JSON object: exp in ns per element, the others in ms; each the best of --runs timed blocks of --repeat
calls after a warm-up, float32, torch.set_num_threads(--threads), outputs written in place where torch allows it.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--op", required=True, choices=["exp", "layernorm", "softmax"])
    ap.add_argument("--n", type=int, default=65536)
    ap.add_argument("--t", type=int, default=1024)
    ap.add_argument("--d-model", type=int, default=512)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(0)
    row = {"op": a.op, "threads": torch.get_num_threads(), "torch": torch.__version__}
    with torch.no_grad():
        if a.op == "exp":
            x = -30 * torch.rand(a.n, generator=gen)
            out = torch.empty_like(x)
            s = best_seconds(lambda: torch.exp(x, out=out), a.runs, a.repeat)
            row.update(n=a.n, ns_per_element=round(s / a.n * 1e9, 4))
        elif a.op == "layernorm":
            x = torch.randn(a.t, a.d_model, generator=gen)
            w = 1 + 0.1 * torch.randn(a.d_model, generator=gen)
            b = 0.1 * torch.randn(a.d_model, generator=gen)
            s = best_seconds(lambda: F.layer_norm(x, (a.d_model,), w, b, 1e-5), a.runs, a.repeat)
            row.update(t=a.t, d_model=a.d_model, ms=round(s * 1e3, 4))
        else:
            x = torch.rand(a.t, a.t, generator=gen) * 16 - 8
            s = best_seconds(lambda: torch.softmax(x * 0.125, dim=-1), a.runs, a.repeat)
            row.update(t=a.t, ms=round(s * 1e3, 4))
    print(json.dumps(row))


if __name__ == "__main__":
    main()
