#!/usr/bin/env python3
"""Writes small GGUF v3 files (../shared/reference/formats.md §6) as fuzzing seeds: a byte-level BPE
tokenizer, a SentencePiece one, every metadata value type, nested arrays and tensors with their data."""
import struct
import sys
from pathlib import Path

U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
SCALAR = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<?",
          U64: "<Q", I64: "<q", F64: "<d"}


def text(value):
    data = value.encode()
    return struct.pack("<Q", len(data)) + data


def value_bytes(kind, value):
    if kind == STRING:
        return text(value)
    if kind == ARRAY:
        element, items = value
        return struct.pack("<IQ", element, len(items)) + b"".join(value_bytes(element, item) for item in items)
    return struct.pack(SCALAR[kind], value)


def gguf(metadata, tensors=(), alignment=32):
    """metadata: [(key, kind, value)]; tensors: [(name, dims, ggml_type, data)]."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for key, kind, value in metadata:
        out += text(key) + struct.pack("<I", kind) + value_bytes(kind, value)
    offset = 0
    placed = []
    for name, dims, ggml_type, data in tensors:
        out += text(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", ggml_type, offset)
        placed.append(data)
        offset += (len(data) + alignment - 1) // alignment * alignment
    out += b"\0" * (-len(out) % alignment)
    for data in placed:
        out += data + b"\0" * (-len(data) % alignment)
    return out


def main(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    byte_tokens = ["!", "a", "b", "c", "Ġ", "Ġa", "ab", "abc", "<|endoftext|>"]
    (folder / "gpt2-tokenizer.gguf").write_bytes(gguf([
        ("general.architecture", STRING, "llama"),
        ("tokenizer.ggml.model", STRING, "gpt2"),
        ("tokenizer.ggml.pre", STRING, "llama-bpe"),
        ("tokenizer.ggml.tokens", ARRAY, (STRING, byte_tokens)),
        ("tokenizer.ggml.token_type", ARRAY, (I32, [1] * 8 + [3])),
        ("tokenizer.ggml.merges", ARRAY, (STRING, ["Ġ a", "a b", "ab c"])),
        ("tokenizer.ggml.bos_token_id", U32, 8),
        ("tokenizer.ggml.eos_token_id", U32, 8),
        ("tokenizer.ggml.add_bos_token", BOOL, True),
        ("tokenizer.chat_template", STRING, "{% for m in messages %}{{ m['content'] }}{% endfor %}"),
    ]))
    pieces = ["<unk>", "<s>", "</s>", "\u2581", "\u2581a", "a", "b", "<0x41>"]
    (folder / "spm-tokenizer.gguf").write_bytes(gguf([
        ("tokenizer.ggml.model", STRING, "llama"),
        ("tokenizer.ggml.tokens", ARRAY, (STRING, pieces)),
        ("tokenizer.ggml.scores", ARRAY, (F32, [0.0, 0.0, 0.0, -1.0, -2.0, -3.0, -4.0, -5.0])),
        ("tokenizer.ggml.token_type", ARRAY, (I32, [2, 3, 3, 1, 1, 1, 1, 6])),
        ("tokenizer.ggml.unknown_token_id", U32, 0),
        ("tokenizer.ggml.add_space_prefix", BOOL, True),
    ]))
    q8_block = struct.pack("<e", 0.5) + bytes(range(32))
    (folder / "values-and-tensors.gguf").write_bytes(gguf([
        ("general.alignment", U32, 64),
        ("u8", U8, 200), ("i8", I8, -5), ("u16", U16, 60000), ("i16", I16, -300), ("u32", U32, 4000000000),
        ("i32", I32, -7), ("f32", F32, 1.5), ("bool", BOOL, False), ("u64", U64, 2 ** 40), ("i64", I64, -2 ** 40),
        ("f64", F64, 0.25),
        ("nested", ARRAY, (ARRAY, [(U8, [1, 2]), (STRING, ["x"])])),
        ("reals", ARRAY, (F64, [1.0, -2.0])),
    ], [
        ("token_embd.weight", [4, 2], 0, struct.pack("<8f", *range(8))),
        ("blk.0.attn_q.weight", [32, 1], 8, q8_block),
        ("output_norm.weight", [4], 1, struct.pack("<4e", 1, 1, 1, 1)),
    ], alignment=64))


if __name__ == "__main__":
    main(sys.argv[1])
