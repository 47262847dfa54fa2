#!/usr/bin/python3
"""PyTorch CPU eager decode step with a KV cache: the anchor for `vecformer bench decode` (run with /usr/bin/python3).

    /usr/bin/python3 bench/compare/torch_decode.py --model F --p 512 --threads 1    # best-of-N ms of one step, as JSON
    /usr/bin/python3 bench/compare/torch_decode.py --model F --p 5 --check          # the step's logits == a full forward's last row

F is a Vecformer model file (torch_forward.py --make-model writes one). The cache holds K and V [n_heads, n_ctx, d_head]
per layer, filled for positions 0..p-1; one step embeds the token at position p, and per layer computes LN, its q, k, v
row, writes k and v at p, attends over the p+1 cached rows (scores / sqrt(d_head), softmax, ·V), adds z·W_O + b_O;
then LN_final and the unembedding. The same conventions as torch_forward.py's full forward.
"""
import argparse
import json
import math
import sys
import time

import numpy as np

from torch_forward import forward, read_safetensors


class Decoder:
    """Per-token forward of an attention-only transformer against a preallocated K/V cache."""

    def __init__(self, torch, cfg, w):
        self.torch, self.cfg, self.w = torch, cfg, w
        h, c, e = cfg["n_heads"], cfg["n_ctx"], cfg["d_head"]
        self.k = [torch.zeros(h, c, e) for _ in range(cfg["n_layers"])]
        self.v = [torch.zeros(h, c, e) for _ in range(cfg["n_layers"])]

    def layer_norm(self, x, prefix):
        norm, eps = self.cfg.get("normalization_type"), self.cfg.get("eps", 1e-5)
        if not norm:
            return x
        x = x - x.mean(-1, keepdim=True)
        x = x / self.torch.sqrt((x * x).mean(-1, keepdim=True) + eps)
        return x * self.w[prefix + ".w"] + self.w[prefix + ".b"] if norm == "LN" else x

    def step(self, token, p, logits=True):
        """Logits [1, d_vocab] of `token` at position p given the cache of positions 0..p-1 (None when logits=False)."""
        torch, w, cfg = self.torch, self.w, self.cfg
        pos = w["pos_embed.W_pos"][p:p + 1]
        shortformer = cfg.get("positional_embedding_type") == "shortformer"
        resid = w["embed.W_E"][token:token + 1] + (0 if shortformer else pos)
        for l in range(cfg["n_layers"]):
            a = f"blocks.{l}.attn."
            x = self.layer_norm(resid, f"blocks.{l}.ln1")
            qk_in = x + pos if shortformer else x
            bias = lambda name: w[a + name][:, None, :] if a + name in w else 0
            q = torch.einsum("td,hde->hte", qk_in, w[a + "W_Q"]) + bias("b_Q")
            self.k[l][:, p] = (torch.einsum("td,hde->hte", qk_in, w[a + "W_K"]) + bias("b_K"))[:, 0]
            self.v[l][:, p] = (torch.einsum("td,hde->hte", x, w[a + "W_V"]) + bias("b_V"))[:, 0]
            scores = q @ self.k[l][:, :p + 1].transpose(1, 2) / math.sqrt(cfg["d_head"])
            z = torch.softmax(scores, dim=-1) @ self.v[l][:, :p + 1]
            resid = resid + torch.einsum("hte,hed->td", z, w[a + "W_O"]) + w.get(a + "b_O", 0)
        if not logits:
            return None
        out = self.layer_norm(resid, "ln_final") @ w["unembed.W_U"]
        return out + w["unembed.b_U"] if "unembed.b_U" in w else out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--p", type=int, default=512)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    import torch
    torch.set_num_threads(a.threads)
    meta, arrays = read_safetensors(a.model)
    cfg = json.loads(meta["config"])
    if not 0 <= a.p < cfg["n_ctx"]:
        sys.exit(f"torch_decode.py: --p must be in [0, n_ctx - 1 = {cfg['n_ctx'] - 1}], not {a.p}")
    w = {k: torch.from_numpy(v.copy()) for k, v in arrays.items()}
    tokens = np.random.default_rng(a.p).integers(0, cfg["d_vocab"], a.p + 1).tolist()
    dec = Decoder(torch, cfg, w)
    with torch.no_grad():
        for i in range(a.p):
            dec.step(tokens[i], i, logits=False)
        if a.check:
            got, want = dec.step(tokens[a.p], a.p), forward(torch, cfg, w, tokens)[-1:]
            err = float((got - want).abs().max())
            print(json.dumps({"p": a.p, "max_abs_diff": err, "ok": err <= 1e-4 * max(1.0, float(want.abs().max()))}))
            return
        for _ in range(3):
            dec.step(tokens[a.p], a.p)
        best = float("inf")
        for _ in range(a.runs):
            t0 = time.perf_counter()
            dec.step(tokens[a.p], a.p)
            best = min(best, time.perf_counter() - t0)
    print(json.dumps({"p": a.p, "threads": torch.get_num_threads(), "ms": round(best * 1e3, 3),
                      "tokens_per_s": round(1 / best), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
