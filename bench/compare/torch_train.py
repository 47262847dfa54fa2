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
"""
import argparse
import json
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
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    L, D, H, C, V, B = args.layers, args.d_model, args.heads, args.ctx, args.vocab, args.batch
    E = args.d_head or D // H
    gen = torch.Generator().manual_seed(1)
    p = make_params(L, D, H, E, C, V, gen)
    decay = [t for k, t in p.items() if t.dim() >= 2]
    rest = [t for k, t in p.items() if t.dim() < 2]
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
