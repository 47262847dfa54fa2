#!/usr/bin/python3
"""PyTorch CPU eager float32 forward of a Vecformer model file: the anchor for `vecformer bench forward`.

Run with Debian's python3 (python3-torch installs there with apt-get):
    /usr/bin/python3 bench/compare/torch_forward.py --make-model /tmp/attn-only-2l.safetensors   # random weights, TL names
    (add --norm-spread 0.5 for log-normally spread token norms, as trained embeddings have)
    /usr/bin/python3 bench/compare/torch_forward.py --model F --t 1024 --threads 1             # best-of-N ms as JSON
    /usr/bin/python3 bench/compare/torch_forward.py --model F --tokens "3 1 4"                 # logits as JSON, to cross-check

The forward is written from the TransformerLens conventions in design.md (row vectors, LN = centre, divide by
sqrt(mean(x²)+eps), then ·w+b; shortformer adds W_pos to the Q/K input only; scores scaled by 1/sqrt(d_head)),
independently of the Java code, so agreement of the logits is a real cross-check.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, e in header.items():
        b, end = e["data_offsets"]
        if e["dtype"] == "BF16":
            raw = np.frombuffer(data[base + b:base + end], dtype=np.uint16).astype(np.uint32) << 16
            arr = raw.view(np.float32)
        else:
            arr = np.frombuffer(data[base + b:base + end], dtype=DTYPES[e["dtype"]]).astype(np.float32)
        tensors[name] = arr.reshape(e["shape"])
    return meta, tensors


def write_safetensors(path, meta, tensors):
    header, offset, blobs = {"__metadata__": meta}, 0, []
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)
    os.replace(tmp, path)


def make_model(args):
    rng = np.random.default_rng(args.seed)
    L, D, H, E, C, V = args.layers, args.d_model, args.heads, args.d_head, args.ctx, args.vocab
    g = lambda *shape: (rng.standard_normal(shape, dtype=np.float32) * 0.02).astype(np.float32)
    t = {"embed.W_E": g(V, D), "pos_embed.W_pos": g(C, D)}
    for l in range(L):
        p = f"blocks.{l}."
        if args.norm != "none":
            t[p + "ln1.w"] = np.ones(D, np.float32) + g(D)
            t[p + "ln1.b"] = g(D)
        for m in "QKV":
            t[p + f"attn.W_{m}"] = g(H, D, E)
            t[p + f"attn.b_{m}"] = g(H, E)
        t[p + "attn.W_O"] = g(H, E, D)
        t[p + "attn.b_O"] = g(D)
    if args.norm != "none":
        t["ln_final.w"] = np.ones(D, np.float32) + g(D)
        t["ln_final.b"] = g(D)
    t["unembed.W_U"] = g(D, V)
    t["unembed.b_U"] = g(V)
    if args.norm_spread > 0:
        # trained embeddings have spread-out token norms: scale each W_E row and W_U column by e^(sigma z), z ~ N(0, 1)
        t["embed.W_E"] *= np.exp(args.norm_spread * rng.standard_normal((V, 1))).astype(np.float32)
        t["unembed.W_U"] *= np.exp(args.norm_spread * rng.standard_normal((1, V))).astype(np.float32)
    if args.norm == "LNPre":
        t = {k: v for k, v in t.items() if ".ln1." not in k and not k.startswith("ln_final.")}
    cfg = {"n_layers": L, "d_model": D, "n_heads": H, "d_head": E, "n_ctx": C, "d_vocab": V,
           "normalization_type": None if args.norm == "none" else args.norm,
           "positional_embedding_type": args.pos, "eps": 1e-5}
    write_safetensors(args.make_model, {"config": json.dumps(cfg)}, t)
    print(json.dumps({"wrote": args.make_model, "config": cfg}))


def forward(torch, cfg, w, tokens):
    T = len(tokens)
    norm, eps = cfg.get("normalization_type"), cfg.get("eps", 1e-5)
    d_head = cfg["d_head"]

    def layer_norm(x, prefix):
        x = x - x.mean(-1, keepdim=True)
        x = x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps)
        return x * w[prefix + ".w"] + w[prefix + ".b"] if norm == "LN" else x

    tok = torch.tensor(tokens, dtype=torch.long)
    pos = w["pos_embed.W_pos"][:T]
    shortformer = cfg.get("positional_embedding_type") == "shortformer"
    resid = w["embed.W_E"][tok] + (0 if shortformer else pos)
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    for l in range(cfg["n_layers"]):
        p = f"blocks.{l}.attn."
        x = layer_norm(resid, f"blocks.{l}.ln1") if norm else resid
        qk_in = x + pos if shortformer else x
        bias = lambda name: w[p + name][:, None, :] if p + name in w else 0  # absent biases are zero
        q = torch.einsum("td,hde->hte", qk_in, w[p + "W_Q"]) + bias("b_Q")
        k = torch.einsum("td,hde->hte", qk_in, w[p + "W_K"]) + bias("b_K")
        v = torch.einsum("td,hde->hte", x, w[p + "W_V"]) + bias("b_V")
        scores = (q @ k.transpose(1, 2)) / (d_head ** 0.5)
        scores = scores.masked_fill(mask, float("-inf"))
        z = torch.softmax(scores, dim=-1) @ v
        out = torch.einsum("hte,hed->td", z, w[p + "W_O"]) + w.get(p + "b_O", 0)
        resid = resid + out
    x = layer_norm(resid, "ln_final") if norm else resid
    logits = x @ w["unembed.W_U"]
    return logits + w["unembed.b_U"] if "unembed.b_U" in w else logits


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make-model")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--d-model", type=int, default=512)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--d-head", type=int, default=64)
    ap.add_argument("--ctx", type=int, default=1024)
    ap.add_argument("--vocab", type=int, default=48262)
    ap.add_argument("--norm", default="LN", choices=["LN", "LNPre", "none"])
    ap.add_argument("--pos", default="standard", choices=["standard", "shortformer"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--norm-spread", type=float, default=0.0,
                    help="with --make-model: sigma of log-normal factors on W_E row and W_U column norms (0: none)")
    ap.add_argument("--model")
    ap.add_argument("--t", type=int, default=1024)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--tokens")
    args = ap.parse_args()
    if args.make_model:
        return make_model(args)
    if not args.model:
        sys.exit("torch_forward.py: give --make-model PATH or --model PATH")
    import torch
    torch.set_num_threads(args.threads)
    meta, arrays = read_safetensors(args.model)
    cfg = json.loads(meta["config"])
    w = {k: torch.from_numpy(v.copy()) for k, v in arrays.items()}
    with torch.no_grad():
        if args.tokens:
            tokens = [int(t) for t in args.tokens.split()]
            print(json.dumps({"tokens": tokens, "logits": forward(torch, cfg, w, tokens).tolist()}))
            return
        tokens = np.random.default_rng(1).integers(0, cfg["d_vocab"], args.t).tolist()
        for _ in range(2):
            forward(torch, cfg, w, tokens)
        best = float("inf")
        for _ in range(args.runs):
            t0 = time.perf_counter()
            forward(torch, cfg, w, tokens)
            best = min(best, time.perf_counter() - t0)
    print(json.dumps({"t": args.t, "threads": args.threads, "ms": round(best * 1000, 3), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
