#!/usr/bin/env python3
"""Cross-checks `vecformer run --json` against a forward written in numpy (float64) from the
TransformerLens definitions, reading the same safetensors model file.

    python3 bench/compare/numpy_forward.py MODEL.safetensors "3 1 4 1 5"

Prints the largest absolute and relative logit difference; exits 1 if it exceeds 1e-4 (relative to max(1, |x|)).
Models without layer norm and with large weights are ill-conditioned (logits in the hundreds, where float32
rounding of the weights alone moves them by ~1e-3 relative): expect the check to fail there, not only on bugs.
Needs only numpy; the safetensors file is parsed by hand (F32 tensors, as vecformer writes them).
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, e in header.items():
        if e["dtype"] != "F32":
            raise SystemExit(f"{name}: dtype {e['dtype']} (this script reads F32 only)")
        b, end = e["data_offsets"]
        tensors[name] = np.frombuffer(data[b:end], dtype="<f4").astype(np.float64).reshape(e["shape"])
    return meta, tensors


def layer_norm(x, cfg, w, b):
    kind = cfg.get("normalization_type", "LN")
    if kind is None:
        return x
    x = x - x.mean(-1, keepdims=True)
    x = x / np.sqrt((x * x).mean(-1, keepdims=True) + cfg.get("eps", 1e-5))
    if kind == "LN":
        x = x * w + (0 if b is None else b)
    return x


def forward(cfg, p, tokens):
    t = len(tokens)
    shortformer = cfg.get("positional_embedding_type", "standard") == "shortformer"
    pos = p["pos_embed.W_pos"][:t]
    resid = p["embed.W_E"][tokens] + (0 if shortformer else pos)
    mask = np.triu(np.ones((t, t), dtype=bool), 1)
    for l in range(cfg["n_layers"]):
        g = lambda k: p.get(f"blocks.{l}.{k}")
        x = layer_norm(resid, cfg, g("ln1.w"), g("ln1.b"))
        qk_in = x + pos if shortformer else x
        zero = lambda k, shape: g(k) if g(k) is not None else np.zeros(shape)
        hd = (cfg["n_heads"], cfg["d_head"])
        q = np.einsum("pm,hmd->phd", qk_in, g("attn.W_Q")) + zero("attn.b_Q", hd)
        k = np.einsum("pm,hmd->phd", qk_in, g("attn.W_K")) + zero("attn.b_K", hd)
        v = np.einsum("pm,hmd->phd", x, g("attn.W_V")) + zero("attn.b_V", hd)
        scores = np.einsum("qhd,khd->hqk", q, k) / np.sqrt(cfg["d_head"])
        scores[:, mask] = -np.inf
        pattern = np.exp(scores - scores.max(-1, keepdims=True))
        pattern /= pattern.sum(-1, keepdims=True)
        z = np.einsum("hqk,khd->qhd", pattern, v)
        resid = resid + np.einsum("qhd,hdm->qm", z, g("attn.W_O")) + zero("attn.b_O", (cfg["d_model"],))
    x = layer_norm(resid, cfg, p.get("ln_final.w"), p.get("ln_final.b"))
    return x @ p["unembed.W_U"] + p.get("unembed.b_U", 0)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    path, ids = sys.argv[1], sys.argv[2]
    meta, params = read_safetensors(path)
    cfg = json.loads(meta["config"])
    tokens = [int(s) for s in ids.replace(",", " ").split()]
    want = forward(cfg, params, tokens)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([os.path.join(root, "vecformer"), "run", "--model", path, "--tokens", ids, "--json"],
                         capture_output=True, text=True, check=True).stdout
    got = np.array(json.loads(out)["logits"], dtype=np.float64)
    diff = np.abs(got - want)
    rel = (diff / np.maximum(1, np.abs(want))).max()
    print(f"{len(tokens)} tokens, d_vocab {want.shape[1]}: max |diff| {diff.max():.3g}, max relative {rel:.3g}")
    sys.exit(0 if rel <= 1e-4 else 1)


if __name__ == "__main__":
    main()
