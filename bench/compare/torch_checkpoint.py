#!/usr/bin/python3
"""An attn-only-4l-shaped PyTorch checkpoint, and torch.load's time on it: the anchor for reading .pth files.

Run with Debian's python3 (python3-torch installs there with apt-get):
    /usr/bin/python3 bench/compare/torch_checkpoint.py --make /tmp/vecformer-attn-only-4l.pth   # seeded random weights, TL names
    (--layers, --d-model, --heads, --d-head, --ctx, --vocab change the shape)
    /usr/bin/python3 bench/compare/torch_checkpoint.py --load /tmp/vecformer-attn-only-4l.pth --runs 3   # best-of-N seconds as JSON

The state dict has TransformerLens names and shapes for d_model 512, 8 heads x 64, 4 layers, d_vocab 48262,
n_ctx 1024, with LN: float32 weights plus each layer's bool causal mask and float IGNORE buffer.
Ours: `java -Xmx<2x file> -cp cli/target/vecformer.jar bench/compare/TorchCheckpointRead.java FILE RUNS`.
"""
import argparse
import collections
import json
import os
import time

import torch


def make(path, layers=4, d_model=512, heads=8, d_head=64, ctx=1024, vocab=48262):
    g = torch.Generator().manual_seed(4)

    def rand(*shape):
        return torch.randn(*shape, generator=g) * 0.02

    sd = collections.OrderedDict()
    sd["embed.W_E"] = rand(vocab, d_model)
    sd["pos_embed.W_pos"] = rand(ctx, d_model)
    for i in range(layers):
        b = f"blocks.{i}."
        sd[b + "ln1.w"] = torch.ones(d_model)
        sd[b + "ln1.b"] = torch.zeros(d_model)
        for m in "QKV":
            sd[b + f"attn.W_{m}"] = rand(heads, d_model, d_head)
        sd[b + "attn.W_O"] = rand(heads, d_head, d_model)
        for m in "QKV":
            sd[b + f"attn.b_{m}"] = torch.zeros(heads, d_head)
        sd[b + "attn.b_O"] = torch.zeros(d_model)
        sd[b + "attn.mask"] = torch.tril(torch.ones(ctx, ctx, dtype=torch.bool))
        sd[b + "attn.IGNORE"] = torch.tensor(-1e5)
    sd["ln_final.w"] = torch.ones(d_model)
    sd["ln_final.b"] = torch.zeros(d_model)
    sd["unembed.W_U"] = rand(d_model, vocab)
    sd["unembed.b_U"] = torch.zeros(vocab)
    tmp = path + ".tmp"
    torch.save(sd, tmp)
    os.replace(tmp, path)
    print(json.dumps({"file": path, "bytes": os.path.getsize(path), "tensors": len(sd)}))


def load(path, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        torch.load(path, map_location="cpu")
        times.append(time.perf_counter() - t0)
    print(json.dumps({"best_s": min(times), "runs_s": times, "torch": torch.__version__}))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make")
    ap.add_argument("--load")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--d-model", type=int, default=512)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--d-head", type=int, default=64)
    ap.add_argument("--ctx", type=int, default=1024)
    ap.add_argument("--vocab", type=int, default=48262)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.make:
        make(args.make, args.layers, args.d_model, args.heads, args.d_head, args.ctx, args.vocab)
    if args.load:
        load(args.load, args.runs)
