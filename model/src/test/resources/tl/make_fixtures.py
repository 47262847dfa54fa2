#!/usr/bin/python3
"""Tiny TransformerLens-style attention-only models and their float64 logits, the oracle of the import tests.

Regenerate (needs PyTorch; on Debian `apt-get install python3-torch`, run with /usr/bin/python3):

    /usr/bin/python3 model/src/test/resources/tl/make_fixtures.py

It rewrites every file under model/src/test/resources/tl/ except itself. The output is deterministic
(seeded generator), and small (about 0.8 MB in all), so the tests need no Python.

For each variant DIR = {LN,LNPre,none}-{standard,shortformer}-{f32,f16}:
  DIR/config.json          the training config as the Hub repos NeelNanda/Attn_Only_* hold it
                           (normalization, shortformer_pos, attn_only, ln_eps, d_mlp, act_fn, ... and
                           training fields the importer ignores)
  DIR/hooked_config.json   the same model as a TransformerLens HookedTransformerConfig dict
  DIR/model.safetensors    the state dict in TransformerLens names (what safetensors.torch.save_file
                           writes; F32 or F16); the f32 variants also hold TL's buffers
                           blocks.{l}.attn.mask (BOOL) and blocks.{l}.attn.IGNORE (F32 scalar)
  DIR/model_final.pth      torch.save of the state dict with the mask/IGNORE buffers, as model_final.pth
  DIR/logits.json          {"tokens": [...], "logits": [[...]]}: the float64 forward of the stored
                           (rounded) weights on a fixed token sequence
plus
  LN-standard-f32/model_views.pth   the same weights saved as views: W_U a transposed view of a
                                    [d_vocab, d_model] tensor, W_pos and b_U slices of one shared storage
  LN-standard-eps/                  an LN model whose HookedTransformerConfig has eps 0.01 (with small
                                    embeddings, so eps matters): hooked_config.json only
  {LN,LNPre,none}-{standard,shortformer}-f32/tl_processed.safetensors
                                    the weights after TransformerLens' default processing (fold_ln,
                                    center_writing_weights, center_unembed, fold_value_biases), computed
                                    here in float64 from TransformerLens' formulas and stored as F64

The forward is written here from TransformerLens' formulas, in float64, independent of Vecformer:
  resid = W_E[tok] (+ W_pos[pos] for standard positions)
  per layer: x = LN(resid); q,k from x (+ W_pos for shortformer), v from x;
             scores = q.k / sqrt(d_head), masked causally with IGNORE; z = softmax(scores) v;
             resid += z W_O + b_O
  logits = LN_final(resid) W_U + b_U
LN: (x - mean) / sqrt(mean((x - mean)^2) + eps), then * w + b ("LN") or nothing ("LNPre");
"none" leaves x as is.
"""
import json
import math
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENS = [3, 17, 5, 0, 22, 9, 3, 17, 5, 11, 8, 1]
N_CTX = 12
D_VOCAB = 23
D_MODEL = 16
IGNORE = -1e5  # the value older TransformerLens stored in blocks.{l}.attn.IGNORE

DTYPES = {"f32": (torch.float32, "F32"), "f16": (torch.float16, "F16")}
SAFETENSORS_DTYPE = {torch.float32: "F32", torch.float16: "F16", torch.float64: "F64", torch.bool: "BOOL"}


def shape_of(norm, layers, heads, d_head):
    """Parameter names and shapes of an attention-only TransformerLens model."""
    s = {"embed.W_E": (D_VOCAB, D_MODEL), "pos_embed.W_pos": (N_CTX, D_MODEL)}
    for l in range(layers):
        p = f"blocks.{l}."
        if norm == "LN":
            s[p + "ln1.w"] = (D_MODEL,)
            s[p + "ln1.b"] = (D_MODEL,)
        for m in ("W_Q", "W_K", "W_V"):
            s[p + "attn." + m] = (heads, D_MODEL, d_head)
        s[p + "attn.W_O"] = (heads, d_head, D_MODEL)
        for b in ("b_Q", "b_K", "b_V"):
            s[p + "attn." + b] = (heads, d_head)
        s[p + "attn.b_O"] = (D_MODEL,)
    if norm == "LN":
        s["ln_final.w"] = (D_MODEL,)
        s["ln_final.b"] = (D_MODEL,)
    s["unembed.W_U"] = (D_MODEL, D_VOCAB)
    s["unembed.b_U"] = (D_VOCAB,)
    return s


def random_weights(gen, norm, layers, heads, d_head, embed_std):
    """float64 weights: matrices N(0, std^2) with stds that keep the residual stream of order one."""
    std = {"W_E": embed_std, "W_pos": embed_std, "W_Q": 0.4, "W_K": 0.4, "W_V": 0.3, "W_O": 0.3, "W_U": 0.5}
    sd = {}
    for name, shape in shape_of(norm, layers, heads, d_head).items():
        leaf = name.rsplit(".", 1)[1]
        noise = torch.randn(shape, generator=gen, dtype=torch.float64)
        if leaf == "w":
            sd[name] = 1 + 0.2 * noise
        elif leaf.startswith("W_"):
            sd[name] = std[leaf] * noise
        else:
            sd[name] = 0.1 * noise
    return sd


def layer_norm(x, norm, eps, w=None, b=None):
    if norm is None:
        return x
    x = x - x.mean(-1, keepdim=True)
    x = x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps)
    return x * w + b if norm == "LN" else x


def forward(sd, norm, shortformer, eps, layers, d_head, tokens):
    """float64 logits [T, d_vocab] of TransformerLens' attention-only forward."""
    sd = {k: v.to(torch.float64) for k, v in sd.items()}
    t = len(tokens)
    pos = sd["pos_embed.W_pos"][:t]
    resid = sd["embed.W_E"][torch.tensor(tokens)]
    if not shortformer:
        resid = resid + pos
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for l in range(layers):
        p = f"blocks.{l}."
        x = layer_norm(resid, norm, eps, sd.get(p + "ln1.w"), sd.get(p + "ln1.b"))
        qk_in = x + pos if shortformer else x
        q = torch.einsum("pd,hde->phe", qk_in, sd[p + "attn.W_Q"]) + sd[p + "attn.b_Q"]
        k = torch.einsum("pd,hde->phe", qk_in, sd[p + "attn.W_K"]) + sd[p + "attn.b_K"]
        v = torch.einsum("pd,hde->phe", x, sd[p + "attn.W_V"]) + sd[p + "attn.b_V"]
        scores = torch.einsum("qhe,khe->hqk", q, k) / math.sqrt(d_head)
        scores = torch.where(causal, scores, torch.tensor(IGNORE, dtype=torch.float64))
        pattern = torch.softmax(scores, dim=-1)
        z = torch.einsum("hqk,khe->qhe", pattern, v)
        resid = resid + torch.einsum("qhe,hed->qd", z, sd[p + "attn.W_O"]) + sd[p + "attn.b_O"]
    x = layer_norm(resid, norm, eps, sd.get("ln_final.w"), sd.get("ln_final.b"))
    return x @ sd["unembed.W_U"] + sd["unembed.b_U"]


def tl_process(sd, norm, shortformer, layers):
    """TransformerLens' from_pretrained defaults, in its order, in float64. Shortformer models only fold the value
    biases; fold_ln needs "LN"; centring the writing weights needs a layer norm ("LN", or "LNPre" after folding)."""
    sd = {k: v.to(torch.float64).clone() for k, v in sd.items()}
    if not shortformer and norm == "LN":
        for l in range(layers):
            p = f"blocks.{l}."
            w, b = sd.pop(p + "ln1.w"), sd.pop(p + "ln1.b")
            for m in "QKV":
                weight = sd[p + "attn.W_" + m]
                sd[p + "attn.b_" + m] = sd[p + "attn.b_" + m] + (weight * b[None, :, None]).sum(-2)
                folded = weight * w[None, :, None]
                sd[p + "attn.W_" + m] = folded - folded.mean(1, keepdim=True)
        w, b = sd.pop("ln_final.w"), sd.pop("ln_final.b")
        sd["unembed.b_U"] = sd["unembed.b_U"] + (sd["unembed.W_U"] * b[:, None]).sum(0)
        folded = sd["unembed.W_U"] * w[:, None]
        sd["unembed.W_U"] = folded - folded.mean(0, keepdim=True)
        norm = "LNPre"
    centred = not shortformer and norm in ("LN", "LNPre")
    if centred:
        for name in ["embed.W_E", "pos_embed.W_pos"] + [f"blocks.{l}.attn.{m}" for l in range(layers) for m in ("W_O", "b_O")]:
            sd[name] = sd[name] - sd[name].mean(-1, keepdim=True)
    if not shortformer:
        sd["unembed.W_U"] = sd["unembed.W_U"] - sd["unembed.W_U"].mean(-1, keepdim=True)
        sd["unembed.b_U"] = sd["unembed.b_U"] - sd["unembed.b_U"].mean()
    for l in range(layers):
        p = f"blocks.{l}.attn."
        sd[p + "b_O"] = sd[p + "b_O"] + (sd[p + "b_V"][:, :, None] * sd[p + "W_O"]).sum((0, 1))
        sd[p + "b_V"] = torch.zeros_like(sd[p + "b_V"])
        if centred:
            sd[p + "b_O"] = sd[p + "b_O"] - sd[p + "b_O"].mean()
    return sd


def buffers(layers):
    """TransformerLens' non-parameter buffers as older versions saved them in state dicts."""
    b = {}
    for l in range(layers):
        b[f"blocks.{l}.attn.mask"] = torch.tril(torch.ones(N_CTX, N_CTX, dtype=torch.bool))
        b[f"blocks.{l}.attn.IGNORE"] = torch.tensor(IGNORE, dtype=torch.float32)
    return b


def write_safetensors(path, tensors):
    """The safetensors layout: u64 header length, JSON header (space-padded to 8 bytes), raw little-endian data."""
    header, blobs, at = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPE[t.dtype], "shape": list(t.shape), "data_offsets": [at, at + len(data)]}
        blobs.append(data)
        at += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def hub_config(norm, shortformer, layers, heads, d_head):
    """A training config in the format of the NeelNanda/Attn_Only_* repos (their keys; values for this tiny model)."""
    return {
        "n_layers": layers, "d_model": D_MODEL, "d_mlp": 4 * D_MODEL, "d_head": d_head, "n_heads": heads,
        "n_ctx": N_CTX, "d_vocab": D_VOCAB, "tokenizer_name": "NeelNanda/gpt-neox-tokenizer-digits",
        "normalization": norm, "act_fn": "solu_ln", "shortformer_pos": shortformer, "attn_only": True,
        "ln_eps": 1e-5, "lr_hidden": 0.002, "lr_vector": 0.001, "batch_size_per_device": 32, "batches_per_step": 1,
        "seed": 5, "betas": [0.9, 0.99], "weight_decay": 0.05, "dataset_name": "c4_code", "grad_norm_clip": 1.0,
        "lr_schedule": "cosine_warmup", "warmup_tokens": 300000000, "max_tokens": 22000000000,
        "use_bfloat16_matmul": True, "weight_init_scheme": "gpt2", "n_devices": 8,
    }


def hooked_config(norm, shortformer, layers, heads, d_head, eps):
    """The HookedTransformerConfig fields TransformerLens derives for the model (as cfg.to_dict() shows them)."""
    return {
        "n_layers": layers, "d_model": D_MODEL, "n_ctx": N_CTX, "d_head": d_head, "model_name": "custom",
        "n_heads": heads, "d_mlp": None, "act_fn": None, "d_vocab": D_VOCAB, "eps": eps, "use_attn_result": False,
        "use_attn_scale": True, "attn_scale": math.sqrt(d_head), "use_local_attn": False,
        "original_architecture": "neel", "from_checkpoint": False, "tokenizer_name": None, "init_mode": "gpt2",
        "normalization_type": norm, "device": "cpu", "n_devices": 1, "attention_dir": "causal", "attn_only": True,
        "seed": None, "initializer_range": 0.2, "init_weights": False, "scale_attn_by_inverse_layer_idx": False,
        "positional_embedding_type": "shortformer" if shortformer else "standard", "final_rms": False,
        "d_vocab_out": D_VOCAB, "parallel_attn_mlp": False, "rotary_dim": None, "n_params": 0,
        "use_hook_tokens": False, "gated_mlp": False, "default_prepend_bos": True, "dtype": "torch.float32",
        "tokenizer_prepends_bos": None, "n_key_value_heads": None, "post_embedding_ln": False,
        "num_experts": None, "experts_per_token": None,
    }


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


def variant(gen, norm, pos, dtype_name, layers, heads, d_head):
    shortformer = pos == "shortformer"
    name = f"{norm or 'none'}-{pos}-{dtype_name}"
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    dtype, _ = DTYPES[dtype_name]
    embed_std = 1.0 if norm else 0.3
    sd = {k: v.to(dtype) for k, v in random_weights(gen, norm, layers, heads, d_head, embed_std).items()}
    with_buffers = dict(sd, **buffers(layers))
    write_safetensors(os.path.join(out, "model.safetensors"), with_buffers if dtype_name == "f32" else sd)
    torch.save(with_buffers, os.path.join(out, "model_final.pth"))
    write_json(os.path.join(out, "config.json"), hub_config(norm, shortformer, layers, heads, d_head))
    write_json(os.path.join(out, "hooked_config.json"), hooked_config(norm, shortformer, layers, heads, d_head, 1e-5))
    logits = forward(sd, norm, shortformer, 1e-5, layers, d_head, TOKENS)
    write_json(os.path.join(out, "logits.json"), {"tokens": TOKENS, "logits": logits.tolist()})
    if dtype_name == "f32":
        write_safetensors(os.path.join(out, "tl_processed.safetensors"), tl_process(sd, norm, shortformer, layers))
    return name, sd


def views_checkpoint(sd):
    """The same state dict with W_U a transposed view and W_pos, b_U slices of one storage."""
    views = dict(sd)
    views["unembed.W_U"] = sd["unembed.W_U"].t().contiguous().t()
    shared = torch.cat([sd["pos_embed.W_pos"].flatten(), sd["unembed.b_U"]])
    n = sd["pos_embed.W_pos"].numel()
    views["pos_embed.W_pos"] = shared[:n].view(N_CTX, D_MODEL)
    views["unembed.b_U"] = shared[n:]
    assert not views["unembed.W_U"].is_contiguous()
    return views


def main():
    gen = torch.Generator().manual_seed(20261206)
    shapes = {"LN": (2, 2, 8), "LNPre": (3, 4, 4), None: (2, 2, 8)}
    saved = {}
    for norm in ("LN", "LNPre", None):
        for pos in ("standard", "shortformer"):
            for dtype_name in ("f32", "f16"):
                layers, heads, d_head = shapes[norm]
                name, sd = variant(gen, norm, pos, dtype_name, layers, heads, d_head)
                saved[name] = sd
    torch.save(dict(views_checkpoint(saved["LN-standard-f32"]), **buffers(2)),
               os.path.join(HERE, "LN-standard-f32", "model_views.pth"))

    eps_dir = os.path.join(HERE, "LN-standard-eps")
    os.makedirs(eps_dir, exist_ok=True)
    sd = {k: v.to(torch.float32) for k, v in random_weights(gen, "LN", 2, 2, 8, 0.05).items()}
    write_safetensors(os.path.join(eps_dir, "model.safetensors"), sd)
    write_json(os.path.join(eps_dir, "hooked_config.json"), hooked_config("LN", False, 2, 2, 8, 0.01))
    logits = forward(sd, "LN", False, 0.01, 2, 8, TOKENS)
    write_json(os.path.join(eps_dir, "logits.json"), {"tokens": TOKENS, "logits": logits.tolist()})


if __name__ == "__main__":
    main()
