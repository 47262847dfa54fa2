#!/usr/bin/python3
"""Writes the golden fixtures that GoldenFixtureTest holds the Java model and trainer to (llm.c style).

An independent implementation: PyTorch's autograd and torch.optim.AdamW in float64, with the forward written
here from the TransformerLens formulas (not from our Java code). For each variant it writes one small
safetensors file `golden-<variant>.safetensors` holding
    param.<TL name>        the initial weights (float32; every parameter random, LN weights around 1)
    tokens  [B, T+1]       one batch (ids stored as F32, exact)
    logits  [B, T, V]      the forward's logits on tokens[:, :-1]
    loss    [1]            mean next-token cross-entropy
    grad.<TL name>         d loss / d parameter for every parameter
    train.tokens [S, B, T+1], train.lr [S], train.loss [S]
                           S AdamW steps (betas 0.9/0.999, eps 1e-8, weight decay on W_* only, global-norm clip
                           with torch.nn.utils.clip_grad_norm_, lr from the warm-up + cosine formula below); the loss
                           recorded is each step's loss before its update
and, in __metadata__, `config` (the Vecformer model config JSON) and `train` (the hyper-parameters above).

Run with Debian's python3 (apt-get install python3-torch), from the repository root:
    /usr/bin/python3 model/src/test/resources/golden/make_golden.py
It is deterministic (torch.Generator seeded per variant), so re-running rewrites identical files.
"""
import json
import math
import os
import struct

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
L, D, H, E, C, V, B, STEPS = 2, 16, 2, 8, 8, 13, 3, 10
TRAIN = {"lr": 2e-2, "warmup": 2, "min_lr": 2e-3, "weight_decay": 0.01, "clip": 0.5, "steps": STEPS, "batch": B}
VARIANTS = {
    "ln-standard": ("LN", "standard"),
    "lnpre-shortformer": ("LNPre", "shortformer"),
    "none-standard": (None, "standard"),
    "ln-shortformer": ("LN", "shortformer"),
}


def tl_shapes(norm):
    s = {"embed.W_E": (V, D), "pos_embed.W_pos": (C, D)}
    for l in range(L):
        if norm == "LN":
            s[f"blocks.{l}.ln1.w"], s[f"blocks.{l}.ln1.b"] = (D,), (D,)
        for m in "QKV":
            s[f"blocks.{l}.attn.W_{m}"] = (H, D, E)
        s[f"blocks.{l}.attn.W_O"] = (H, E, D)
        for m in "QKV":
            s[f"blocks.{l}.attn.b_{m}"] = (H, E)
        s[f"blocks.{l}.attn.b_O"] = (D,)
    if norm == "LN":
        s["ln_final.w"], s["ln_final.b"] = (D,), (D,)
    s["unembed.W_U"], s["unembed.b_U"] = (D, V), (V,)
    return s


def init(norm, gen):
    """Random parameters, rounded to float32 so that Java starts from exactly these values."""
    p = {}
    for name, shape in tl_shapes(norm).items():
        x = torch.randn(*shape, generator=gen)
        if name.endswith(".w"):
            x = 1 + 0.2 * x
        elif name.split(".")[-1].startswith("b_") or name.endswith(".b"):
            x = 0.1 * x
        else:
            x = 0.3 * x
        p[name] = torch.nn.Parameter(x.float().double())
    return p


def forward(p, norm, pos, tokens, eps=1e-5):
    """Logits [B, T, V] of an attention-only transformer in TransformerLens conventions (row vectors, x @ W)."""
    def normalize(x, prefix):
        if norm is None:
            return x
        x = x - x.mean(-1, keepdim=True)
        x = x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps)
        return x * p[prefix + ".w"] + p[prefix + ".b"] if norm == "LN" else x

    T = tokens.shape[1]
    w_pos = p["pos_embed.W_pos"][:T]
    resid = p["embed.W_E"][tokens] + (w_pos if pos == "standard" else 0)
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    for l in range(L):
        a = f"blocks.{l}.attn."
        x = normalize(resid, f"blocks.{l}.ln1")
        xqk = x + w_pos if pos == "shortformer" else x   # shortformer: positions enter only the queries and keys
        q = torch.einsum("btd,hde->bhte", xqk, p[a + "W_Q"]) + p[a + "b_Q"][:, None, :]
        k = torch.einsum("btd,hde->bhte", xqk, p[a + "W_K"]) + p[a + "b_K"][:, None, :]
        v = torch.einsum("btd,hde->bhte", x, p[a + "W_V"]) + p[a + "b_V"][:, None, :]
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(E)
        z = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1) @ v
        resid = resid + torch.einsum("bhte,hed->btd", z, p[a + "W_O"]) + p[a + "b_O"]
    return normalize(resid, "ln_final") @ p["unembed.W_U"] + p["unembed.b_U"]


def loss_of(p, norm, pos, tokens):
    logits = forward(p, norm, pos, tokens[:, :-1])
    return torch.nn.functional.cross_entropy(logits.reshape(-1, V), tokens[:, 1:].reshape(-1))


def lr_at(s):
    """Linear warm-up to lr over `warmup` steps, then cosine to min_lr at `steps` (s is 0-based)."""
    lr, w, n, floor = TRAIN["lr"], TRAIN["warmup"], TRAIN["steps"], TRAIN["min_lr"]
    if s < w:
        return lr * (s + 1) / w
    return floor + (lr - floor) * (1 + math.cos(math.pi * (s - w) / (n - w))) / 2


def write_safetensors(path, metadata, tensors):
    """The safetensors layout by hand (8-byte little-endian header length, JSON header, F32 data)."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def variant(name, norm, pos, seed):
    gen = torch.Generator().manual_seed(seed)
    p = init(norm, gen)
    tokens = torch.randint(0, V, (B, C + 1), generator=gen)
    loss = loss_of(p, norm, pos, tokens)
    loss.backward()
    out = {"param." + k: x.detach().clone() for k, x in p.items()}   # copies: training below updates p in place
    out["tokens"] = tokens.double()
    out["logits"] = forward(p, norm, pos, tokens[:, :-1]).detach()
    out["loss"] = loss.detach().reshape(1)
    out.update({"grad." + k: x.grad.clone() for k, x in p.items()})

    matrices = [x for k, x in p.items() if k.split(".")[-1].startswith("W_")]
    others = [x for k, x in p.items() if not k.split(".")[-1].startswith("W_")]
    opt = torch.optim.AdamW([{"params": matrices, "weight_decay": TRAIN["weight_decay"]},
                             {"params": others, "weight_decay": 0.0}], lr=TRAIN["lr"], betas=(0.9, 0.999), eps=1e-8)
    batches = torch.randint(0, V, (STEPS, B, C + 1), generator=gen)
    lrs, losses = [], []
    for s in range(STEPS):
        for g in opt.param_groups:
            g["lr"] = lr_at(s)
        opt.zero_grad()
        step_loss = loss_of(p, norm, pos, batches[s])
        step_loss.backward()
        torch.nn.utils.clip_grad_norm_(list(p.values()), TRAIN["clip"])
        opt.step()
        lrs.append(lr_at(s))
        losses.append(step_loss.item())
    out["train.tokens"] = batches.double()
    out["train.lr"] = torch.tensor(lrs)
    out["train.loss"] = torch.tensor(losses)

    config = {"n_layers": L, "d_model": D, "n_heads": H, "d_head": E, "n_ctx": C, "d_vocab": V,
              "normalization_type": norm, "positional_embedding_type": pos, "eps": 1e-5, "attn_only": True, "biases": True}
    meta = {"config": json.dumps(config), "train": json.dumps(TRAIN), "torch": torch.__version__}
    write_safetensors(os.path.join(HERE, f"golden-{name}.safetensors"), meta, out)
    print(f"golden-{name}: loss {loss.item():.6f}, after {STEPS} steps {losses[-1]:.6f}")


if __name__ == "__main__":
    for i, (name, (norm, pos)) in enumerate(VARIANTS.items()):
        variant(name, norm, pos, seed=1000 + i)
