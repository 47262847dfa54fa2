#!/usr/bin/python3
"""PyTorch CPU eager float32 training steps of an attention-only transformer: the anchor for `vecformer bench train`.

Run with Debian's python3 (python3-torch installs there with apt-get):
    /usr/bin/python3 bench/compare/torch_train.py --threads 1                  # induction default: 2 layers, d_model 64, 4x16, n_ctx 64, vocab 64, batch 32
    /usr/bin/python3 bench/compare/torch_train.py --layers 2 --d-model 512 --heads 8 --d-head 64 --ctx 256 --vocab 512 --batch 8 --threads 2

One step = forward (TransformerLens conventions from design.md: embed + W_pos; per layer LN = centre, divide by
sqrt(mean(x²)+eps), then ·w+b; q, k, v per head with biases; scores/sqrt(d_head), causal mask, softmax; z·W_O + b_O
added to the residual; final LN; unembed with b_U), mean cross-entropy on next tokens, backward, global-norm clip 1.0,
torch.optim.AdamW (betas 0.9/0.999, eps 1e-8, weight decay 0.01, lr 2e-3), on seeded uniform random tokens.
tokens/s = batch·ctx·steps / seconds of the fastest block of --steps steps after --warmup seconds. Prints JSON.

--check TRACE replays a run of `vecformer train ... --trace TRACE` instead: the same initial weights (read from the
safetensors file by hand; torch 1.13 has no safetensors package), the same token batch, learning rate, clip norm and
AdamW settings at every step, and compares each step's training loss with the one vecformer recorded:
    ./vecformer train --task induction --steps 20 --threads 1 --trace /tmp/t.safetensors --out /tmp/m.safetensors
    /usr/bin/python3 bench/compare/torch_train.py --check /tmp/t.safetensors [--dtype float64]
Prints JSON with the loss of both per step and the largest absolute difference. Weight decay applies to the
matrices W_* only, as in vecformer (biases b_Q|b_K|b_V are [H, d_head] but not decayed).
"""
import argparse
import json
import struct
import time

import torch


def make_params(L, D, H, E, C, V, gen):
    g = lambda *shape: torch.nn.Parameter(torch.randn(*shape, generator=gen) * 0.02)
    p = {"W_E": g(V, D), "W_pos": g(C, D), "lnf_w": torch.nn.Parameter(torch.ones(D)),
         "lnf_b": torch.nn.Parameter(torch.zeros(D)), "W_U": g(D, V), "b_U": torch.nn.Parameter(torch.zeros(V))}
    for l in range(L):
        p[f"{l}.ln_w"] = torch.nn.Parameter(torch.ones(D))
        p[f"{l}.ln_b"] = torch.nn.Parameter(torch.zeros(D))
        for m in "QKV":
            p[f"{l}.W_{m}"] = g(H, D, E)
            p[f"{l}.b_{m}"] = torch.nn.Parameter(torch.zeros(H, E))
        p[f"{l}.W_O"] = g(H, E, D)
        p[f"{l}.b_O"] = torch.nn.Parameter(torch.zeros(D))
    return p


def is_matrix(key):
    """Weight decay applies to W_* only (b_Q|b_K|b_V have two dimensions but are biases)."""
    return key.split(".")[-1].startswith("W_")


def read_safetensors(path):
    """(metadata, name -> float32 tensor) of a safetensors file: 8-byte little-endian header length, JSON header, data."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, h in header.items():
        if h["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {h['dtype']}, only F32 is read")
        a, b = h["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(h["shape"]).clone()
    return meta, tensors


def tl_names(L):
    """Script parameter key -> TransformerLens name."""
    m = {"W_E": "embed.W_E", "W_pos": "pos_embed.W_pos", "lnf_w": "ln_final.w", "lnf_b": "ln_final.b",
         "W_U": "unembed.W_U", "b_U": "unembed.b_U"}
    for l in range(L):
        m[f"{l}.ln_w"] = f"blocks.{l}.ln1.w"
        m[f"{l}.ln_b"] = f"blocks.{l}.ln1.b"
        for x in ("W_Q", "W_K", "W_V", "W_O", "b_Q", "b_K", "b_V", "b_O"):
            m[f"{l}.{x}"] = f"blocks.{l}.attn.{x}"
    return m


def check(path, dtype):
    """Replays the trace and compares the per-step training losses (see the module docstring)."""
    meta, t = read_safetensors(path)
    if "config" not in meta or "train" not in meta or "trace.tokens" not in t:
        raise SystemExit(f"{path} is not a trace written by vecformer train --trace")
    c, tc = json.loads(meta["config"]), json.loads(meta["train"])
    if c["normalization_type"] != "LN" or c["positional_embedding_type"] != "standard" or not c.get("biases", True):
        raise SystemExit("--check replays LN, standard positions and biases (the vecformer train defaults) only")
    L, E = c["n_layers"], c["d_head"]
    p = {k: torch.nn.Parameter(t[name].to(dtype)) for k, name in tl_names(L).items()}
    opt = torch.optim.AdamW([{"params": [x for k, x in p.items() if is_matrix(k)], "weight_decay": tc["weight_decay"]},
                             {"params": [x for k, x in p.items() if not is_matrix(k)], "weight_decay": 0.0}],
                            lr=tc["lr"], betas=(0.9, 0.999), eps=1e-8)
    tokens, ours, lrs = t["trace.tokens"].long(), t["trace.loss"], t["trace.lr"]
    steps, T = tokens.shape[0], tokens.shape[2] - 1
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    params = list(p.values())
    theirs = []
    for s in range(steps):
        for g in opt.param_groups:
            g["lr"] = float(lrs[s])
        opt.zero_grad(set_to_none=False)
        loss = loss_of(p, L, E, tokens[s, :, :-1], tokens[s, :, 1:], mask, c["eps"])
        theirs.append(loss.item())
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, tc["clip"])
        opt.step()
    diffs = [abs(a - float(b)) for a, b in zip(theirs, ours)]
    print(json.dumps({"trace": path, "steps": steps, "dtype": str(dtype).replace("torch.", ""),
                      "vecformer_loss": [round(float(x), 6) for x in ours], "torch_loss": [round(x, 6) for x in theirs],
                      "max_abs_diff": max(diffs), "max_abs_diff_step": diffs.index(max(diffs)) + 1, "torch": torch.__version__}))


def loss_of(p, L, E, inputs, targets, mask, eps=1e-5):
    def layer_norm(x, w, b):
        x = x - x.mean(-1, keepdim=True)
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w + b

    B, T = inputs.shape
    resid = p["W_E"][inputs] + p["W_pos"][:T]
    for l in range(L):
        x = layer_norm(resid, p[f"{l}.ln_w"], p[f"{l}.ln_b"])
        q = torch.einsum("btd,hde->bhte", x, p[f"{l}.W_Q"]) + p[f"{l}.b_Q"][:, None, :]
        k = torch.einsum("btd,hde->bhte", x, p[f"{l}.W_K"]) + p[f"{l}.b_K"][:, None, :]
        v = torch.einsum("btd,hde->bhte", x, p[f"{l}.W_V"]) + p[f"{l}.b_V"][:, None, :]
        scores = (q @ k.transpose(-1, -2)) / (E ** 0.5)
        z = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1) @ v
        resid = resid + torch.einsum("bhte,hed->btd", z, p[f"{l}.W_O"]) + p[f"{l}.b_O"]
    logits = layer_norm(resid, p["lnf_w"], p["lnf_b"]) @ p["W_U"] + p["b_U"]
    return torch.nn.functional.cross_entropy(logits.reshape(B * T, -1), targets.reshape(B * T))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--d-head", type=int)
    ap.add_argument("--ctx", type=int, default=64)
    ap.add_argument("--vocab", type=int, default=64)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=float, default=3.0, help="warm-up seconds")
    ap.add_argument("--check", metavar="TRACE", help="replay a `vecformer train --trace` file and compare losses per step")
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32", help="precision of the --check replay")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.check:
        check(args.check, getattr(torch, args.dtype))
        return
    L, D, H, C, V, B = args.layers, args.d_model, args.heads, args.ctx, args.vocab, args.batch
    E = args.d_head or D // H
    gen = torch.Generator().manual_seed(1)
    p = make_params(L, D, H, E, C, V, gen)
    decay = [t for k, t in p.items() if is_matrix(k)]
    rest = [t for k, t in p.items() if not is_matrix(k)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                            lr=2e-3, betas=(0.9, 0.999), eps=1e-8)
    mask = torch.triu(torch.ones(C, C, dtype=torch.bool), diagonal=1)
    params = list(p.values())

    def step():
        tokens = torch.randint(0, V, (B, C + 1), generator=gen)
        opt.zero_grad(set_to_none=False)
        loss = loss_of(p, L, E, tokens[:, :-1], tokens[:, 1:], mask)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    end = time.perf_counter() + args.warmup
    step()
    while time.perf_counter() < end:
        step()
    best = float("inf")
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            step()
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"layers": L, "d_model": D, "heads": H, "d_head": E, "ctx": C, "vocab": V, "batch": B,
                      "threads": args.threads, "steps": args.steps, "tokens_per_s": round(B * C * args.steps / best),
                      "ms_per_step": round(best / args.steps * 1000, 3), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
