#!/usr/bin/env python3
"""Independent reference embeddings for crates/embed's tests.

A plain numpy BERT forward pass (float64) over all-MiniLM-L6-v2's weights, read straight from
model.safetensors with the `safetensors` package and tokenized with the `tokenizers` package;
then mean pooling over the attention mask and L2 normalisation, as sentence-transformers does.
No torch, no candle: the Rust crate is checked against this.

    python3 -m venv /tmp/embed-venv && /tmp/embed-venv/bin/pip install numpy safetensors tokenizers
    /tmp/embed-venv/bin/python crates/embed/testdata/reference.py [MODEL_DIR] > crates/embed/testdata/reference.json

MODEL_DIR defaults to $PARALLAX_EMBED_MODEL, else <repo>/models/all-MiniLM-L6-v2.
"""
import json
import math
import os
import sys

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

# Our own sentences; each is embedded alone (no padding), so the Rust batch path is checked
# against unpadded sequences.
SENTENCES = [
    "The ferry capsized near the harbour on Tuesday morning.",
    "Rescue teams pulled 40 passengers from the water after the boat overturned.",
    "The central bank left interest rates unchanged, citing slowing inflation.",
]
MAX_TOKENS = 128

_erf = np.vectorize(math.erf)


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def linear(x, p, name):
    return x @ p[name + ".weight"].T + p[name + ".bias"]


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def bert(ids, p, cfg):
    n = len(ids)
    h = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    hd = h // heads
    eps = cfg["layer_norm_eps"]
    x = (
        p["embeddings.word_embeddings.weight"][ids]
        + p["embeddings.position_embeddings.weight"][np.arange(n)]
        + p["embeddings.token_type_embeddings.weight"][np.zeros(n, dtype=np.int64)]
    )
    x = layer_norm(x, p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        pre = f"encoder.layer.{i}."
        q = linear(x, p, pre + "attention.self.query").reshape(n, heads, hd).transpose(1, 0, 2)
        k = linear(x, p, pre + "attention.self.key").reshape(n, heads, hd).transpose(1, 0, 2)
        v = linear(x, p, pre + "attention.self.value").reshape(n, heads, hd).transpose(1, 0, 2)
        att = softmax(q @ k.transpose(0, 2, 1) / math.sqrt(hd))
        ctx = (att @ v).transpose(1, 0, 2).reshape(n, h)
        x = layer_norm(
            linear(ctx, p, pre + "attention.output.dense") + x,
            p[pre + "attention.output.LayerNorm.weight"],
            p[pre + "attention.output.LayerNorm.bias"],
            eps,
        )
        inter = gelu(linear(x, p, pre + "intermediate.dense"))
        x = layer_norm(
            linear(inter, p, pre + "output.dense") + x,
            p[pre + "output.LayerNorm.weight"],
            p[pre + "output.LayerNorm.bias"],
            eps,
        )
    return x


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.environ.get("PARALLAX_EMBED_MODEL") or os.path.join(
        here, "..", "..", "..", "models", "all-MiniLM-L6-v2"
    )
    model_dir = sys.argv[1] if len(sys.argv) > 1 else default
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    params = {
        k: v.astype(np.float64)
        for k, v in load_file(os.path.join(model_dir, "model.safetensors")).items()
    }
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS)

    out = []
    for s in SENTENCES:
        enc = tok.encode(s)
        ids = np.array(enc.ids, dtype=np.int64)
        hidden = bert(ids, params, cfg)
        mask = np.array(enc.attention_mask, dtype=np.float64)[:, None]
        pooled = (hidden * mask).sum(0) / max(mask.sum(), 1e-9)
        emb = pooled / max(np.linalg.norm(pooled), 1e-12)
        out.append(
            {
                "text": s,
                "tokens": enc.tokens,
                "ids": enc.ids,
                "embedding": [round(float(v), 8) for v in emb],
            }
        )
    json.dump(
        {
            "model": "all-MiniLM-L6-v2",
            "generator": "crates/embed/testdata/reference.py (numpy float64)",
            "max_tokens": MAX_TOKENS,
            "sentences": out,
        },
        sys.stdout,
        indent=1,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
