#!/usr/bin/env python3
"""Writes the tiny fixture models and golden log-probs under src/test/resources/lm/.

An independent float64 NumPy implementation of the Hugging Face Llama / Qwen2 forward
(RMSNorm, RoPE half-rotation layout, grouped-query attention via repeat_kv, SwiGLU). The Java
engine is tested against its numbers. Run from the repository root:  python3 tools/golden/make_golden.py
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join("src", "test", "resources", "lm")


def to_bf16_bits(a):
    """float32 -> bfloat16 bits, round to nearest even."""
    b = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    b = (b + 0x7FFF + ((b >> 16) & 1)) >> 16
    return b.astype(np.uint16)


def write_safetensors(path, tensors, dtype):
    """tensors: dict name -> float array. dtype: F32, F16 or BF16."""
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        if dtype == "F32":
            raw = np.asarray(a, dtype="<f4").tobytes()
        elif dtype == "F16":
            raw = np.asarray(a, dtype="<f2").tobytes()
        else:
            raw = to_bf16_bits(a).astype("<u2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def stored_values(a, dtype):
    """The float64 values the file really holds after rounding to dtype."""
    if dtype == "F32":
        return np.asarray(a, dtype=np.float32).astype(np.float64)
    if dtype == "F16":
        return np.asarray(a, dtype=np.float16).astype(np.float64)
    bits = to_bf16_bits(a).astype(np.uint32) << 16
    return bits.view(np.float32).astype(np.float64)


def make_weights(rng, c):
    H, D, Hq, Hkv, I, V = c["hidden_size"], c["head_dim"], c["num_attention_heads"], c["num_key_value_heads"], c["intermediate_size"], c["vocab_size"]
    embed_std = 0.5 if c["tie_word_embeddings"] else 1.0  # tied: the embedding is also the output head
    w = {"model.embed_tokens.weight": rng.normal(0, embed_std, (V, H)), "model.norm.weight": rng.uniform(0.5, 1.5, H)}
    if not c["tie_word_embeddings"]:
        w["lm_head.weight"] = rng.normal(0, 0.3, (V, H))
    bias = c["model_type"] == "qwen2"
    for l in range(c["num_hidden_layers"]):
        p = f"model.layers.{l}."
        w[p + "input_layernorm.weight"] = rng.uniform(0.5, 1.5, H)
        w[p + "post_attention_layernorm.weight"] = rng.uniform(0.5, 1.5, H)
        for n, o in (("q", Hq * D), ("k", Hkv * D), ("v", Hkv * D)):
            w[p + f"self_attn.{n}_proj.weight"] = rng.normal(0, 0.5 / np.sqrt(H) * 3, (o, H))
            if bias:
                w[p + f"self_attn.{n}_proj.bias"] = rng.normal(0, 0.5, o)
        w[p + "self_attn.o_proj.weight"] = rng.normal(0, 1 / np.sqrt(Hq * D), (H, Hq * D))
        w[p + "mlp.gate_proj.weight"] = rng.normal(0, 1 / np.sqrt(H), (I, H))
        w[p + "mlp.up_proj.weight"] = rng.normal(0, 1 / np.sqrt(H), (I, H))
        w[p + "mlp.down_proj.weight"] = rng.normal(0, 1 / np.sqrt(I), (H, I))
    return w


def rms_norm(x, w, eps):
    return w * (x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps))


def rotate_half(x):
    d = x.shape[-1] // 2
    return np.concatenate([-x[..., d:], x[..., :d]], axis=-1)


def forward_logits(c, w, ids):
    """HF semantics for one unpadded sequence; returns [T, V] float64 logits."""
    H, D, Hq, Hkv = c["hidden_size"], c["head_dim"], c["num_attention_heads"], c["num_key_value_heads"]
    eps, T = c["rms_norm_eps"], len(ids)
    x = w["model.embed_tokens.weight"][ids]
    inv_freq = 1.0 / (c["rope_theta"] ** (np.arange(0, D, 2) / D))
    freqs = np.outer(np.arange(T), inv_freq)
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb)[None], np.sin(emb)[None]
    causal = np.triu(np.full((T, T), -np.inf), 1)
    for l in range(c["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        proj = {}
        for n in "qkv":
            y = h @ w[p + f"self_attn.{n}_proj.weight"].T
            if p + f"self_attn.{n}_proj.bias" in w:
                y = y + w[p + f"self_attn.{n}_proj.bias"]
            proj[n] = y
        q = proj["q"].reshape(T, Hq, D).transpose(1, 0, 2)
        k = proj["k"].reshape(T, Hkv, D).transpose(1, 0, 2)
        v = proj["v"].reshape(T, Hkv, D).transpose(1, 0, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = np.repeat(k, Hq // Hkv, axis=0)  # repeat_kv: query head h reads kv head h // groups
        v = np.repeat(v, Hq // Hkv, axis=0)
        s = q @ k.transpose(0, 2, 1) / np.sqrt(D) + causal
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        o = (s @ v).transpose(1, 0, 2).reshape(T, Hq * D)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        x = x + ((g / (1 + np.exp(-g))) * u) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def build(name, config, dtype, shards, seed):
    rng = np.random.default_rng(seed)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    w = make_weights(rng, config)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    names = list(w)
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), w, dtype)
    else:
        weight_map = {}
        for i in range(shards):
            part = names[i::shards]
            fname = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
            write_safetensors(os.path.join(d, fname), {n: w[n] for n in part}, dtype)
            weight_map.update({n: fname for n in part})
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=1)
    exact = {n: stored_values(a, dtype) for n, a in w.items()}
    seqs = [list(map(int, rng.integers(0, config["vocab_size"], n))) for n in (14, 9, 5, 2)]
    lps = []
    for ids in seqs:
        lp = log_softmax(forward_logits(config, exact, np.array(ids)))
        lps.append([float(lp[k - 1, ids[k]]) for k in range(1, len(ids))])
    with open(os.path.join(d, "golden.json"), "w") as f:
        json.dump({"sequences": seqs, "logprobs": lps}, f, indent=1)


def main():
    base = dict(vocab_size=96, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, head_dim=8, hidden_act="silu",
                max_position_embeddings=256, eos_token_id=1)
    qwen = dict(base, model_type="qwen2", rms_norm_eps=1e-6, rope_theta=10000.0, tie_word_embeddings=True)
    llama = dict(base, model_type="llama", rms_norm_eps=1e-5, rope_theta=500000.0, tie_word_embeddings=False,
                 attention_bias=False, num_key_value_heads=1)
    build("qwen2-tiny", qwen, "F32", 1, 1)
    build("llama-tiny-bf16", llama, "BF16", 2, 2)
    build("qwen2-tiny-f16", dict(qwen, num_key_value_heads=4), "F16", 1, 3)


if __name__ == "__main__":
    main()
