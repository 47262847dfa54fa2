#!/usr/bin/env python3
"""PyTorch CPU eager causal attention, the baseline for `vecformer bench attention`.

Computes, for q, k, v of shape [heads, T, d_head] (float32):
    scores  = q @ k^T / sqrt(d_head)
    scores  = scores.masked_fill(causal_mask, -inf)      (key j > query i)
    pattern = softmax(scores, dim=-1)
    z       = pattern @ v
and prints one JSON object: t, heads, d_head, threads, ms (best of --runs after warm-up), gflops (causal
half only, 2*2*H*D*T(T+1)/2 flops, as vecformer counts), torch version and the BLAS it was built with.

Caveat: Debian's python3-torch (1.13) is built with BLAS_INFO=generic; its batched matmul and softmax run far
below an MKL build from pytorch.org, so against it vecformer's ratio says more about the build than about eager
attention. Use a pytorch.org wheel when one can be installed.

Debian: apt-get install python3-torch, then run with the system python: /usr/bin/python3 torch_attention.py --t 1024
"""
import argparse
import json
import math
import re
import time

import torch


def attention(q, k, v, mask):
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    scores = scores.masked_fill(mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def blas_info():
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return found.group(1) if found else "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--t", type=int, default=1024)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--d-head", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(a.t)
    q, k, v = (torch.rand(a.heads, a.t, a.d_head, generator=gen) * 2 - 1 for _ in range(3))
    mask = torch.ones(a.t, a.t, dtype=torch.bool).triu(1)
    best = math.inf
    with torch.no_grad():
        for _ in range(a.warmup):
            attention(q, k, v, mask)
        for _ in range(a.runs):
            t0 = time.perf_counter()
            attention(q, k, v, mask)
            best = min(best, time.perf_counter() - t0)
    flops = 2.0 * 2.0 * a.heads * a.d_head * a.t * (a.t + 1) / 2
    print(json.dumps({"t": a.t, "heads": a.heads, "d_head": a.d_head, "threads": torch.get_num_threads(),
                      "ms": round(best * 1e3, 3), "gflops": round(flops / best / 1e9, 3), "torch": torch.__version__, "blas": blas_info()}))


if __name__ == "__main__":
    main()
