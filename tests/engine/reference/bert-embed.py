#!/usr/bin/env python3
"""An independent reference for the app's sentence embeddings: a sentence-transformers folder — a BERT-family
Transformer with Pooling, or a StaticEmbedding — computed in float64 with numpy alone (no torch), from its files
as written: config.json, model.safetensors read byte by byte, modules.json, the Pooling module's config.json.

    python3 bert-embed.py FOLDER IDS.json  ->  prints {"embeddings": [[...], ...]}

IDS.json: {"ids": [[101, 7592, 102], ...]}, each text's token ids (with [CLS] and [SEP] for a Transformer),
unpadded."""
import json
import math
import os
import struct
import sys

import numpy as np

DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16}


def read_safetensors(path):
    data = open(path, "rb").read()
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_size])
    start = 8 + header_size
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[start + begin:start + end], dtype=DTYPES[entry["dtype"]])
        tensors[name] = array.reshape(entry["shape"]).astype(np.float64)
    return tensors


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def encode(config, w, ids):
    """The last hidden states [length, hidden] of one unpadded text."""
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    size = hidden // heads
    eps = config.get("layer_norm_eps", 1e-12)
    length = len(ids)
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def dense(v, name):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q, k, v = (dense(x, "attention.self." + n).reshape(length, heads, size).transpose(1, 0, 2)
                   for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        attention = scores / scores.sum(axis=-1, keepdims=True)
        context = (attention @ v).transpose(1, 0, 2).reshape(length, hidden)
        x = layer_norm(x + dense(context, "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"],
                       w[p + "attention.output.LayerNorm.bias"], eps)
        inner = gelu(dense(x, "intermediate.dense"))
        x = layer_norm(x + dense(inner, "output.dense"), w[p + "output.LayerNorm.weight"],
                       w[p + "output.LayerNorm.bias"], eps)
    return x


def main():
    folder, request = sys.argv[1], json.load(open(sys.argv[2]))
    modules = json.load(open(os.path.join(folder, "modules.json")))
    pooling, normalize, table = None, False, None
    for module in modules:
        if module["type"].endswith(".StaticEmbedding"):
            table = read_safetensors(os.path.join(folder, module["path"], "model.safetensors"))["embedding.weight"]
        elif module["type"].endswith(".Pooling"):
            pooling = json.load(open(os.path.join(folder, module["path"], "config.json")))
        elif module["type"].endswith(".Normalize"):
            normalize = True
    if table is None:
        config = json.load(open(os.path.join(folder, "config.json")))
        weights = read_safetensors(os.path.join(folder, "model.safetensors"))
    embeddings = []
    for ids in request["ids"]:
        if table is not None:  # an EmbeddingBag's mean; an empty text gives zeros
            vector = table[ids].mean(axis=0) if ids else np.zeros(table.shape[1])
        else:
            states = encode(config, weights, ids)
            vector = states[0] if pooling["pooling_mode_cls_token"] else states.mean(axis=0)
        if normalize:
            vector = vector / max(np.linalg.norm(vector), 1e-12)
        embeddings.append(vector.tolist())
    print(json.dumps({"embeddings": embeddings}))


main()
