#!/usr/bin/env python3
"""Compares the engine with Hugging Face transformers and PEFT on random-weight models built here with
transformers (Llama, Llama with llama3 rope scaling and tied embeddings, Mistral, Qwen2), on the CPU and on
CUDA when present:

1. logits of each model, engine against transformers (eager attention, float32): max |diff| < 1e-4;
2. for each LoRA method (qlora, lora, fast-lora: the app's "unsloth"), the engine trains an adapter on the Llama base; PEFT loads it
   onto the transformers model, and the logits must equal the engine's (base in float32, adapter unmerged);
3. the engine fully fine-tunes the Llama base; transformers loads standard_model/ (model and tokenizer) and
   its logits must equal the engine's.

Needs python3 with torch, transformers, peft and safetensors, and the engine_probe program of an engine build
(cmake -DMTM_ENGINE_ONLY=ON ...; see docs/validation.md). Usage:
    python3 tests/validation/compare_with_transformers.py --probe BUILD/tests/engine_probe [--out DIR]
Prints a table, writes DIR/results.json, and exits with 1 when a check fails. Asserts nothing about speed.
"""
import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import torch
import transformers
import peft
from peft import PeftModel
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig, MistralConfig, Qwen2Config

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "resources" / "starter-model"  # its tokenizer (2,048 tokens) serves the training checks
TOLERANCE = 1e-4


def build_base(kind, folder):
    common = dict(vocab_size=2048, hidden_size=64, intermediate_size=172, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512, rms_norm_eps=1e-5,
                  rope_theta=10000.0, tie_word_embeddings=False, bos_token_id=2043, eos_token_id=2044)
    if kind == "llama":
        config = LlamaConfig(**common)
    elif kind == "llama3-rope-tied":
        common["tie_word_embeddings"] = True
        config = LlamaConfig(**common, rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                     "high_freq_factor": 4.0,
                                                     "original_max_position_embeddings": 64})
    elif kind == "mistral":
        config = MistralConfig(**common, sliding_window=4096)
    elif kind == "qwen2":
        config = Qwen2Config(**common, use_sliding_window=False)
    else:
        raise ValueError(kind)
    torch.manual_seed(1234)
    model = AutoModelForCausalLM.from_config(config, torch_dtype=torch.float32, attn_implementation="eager")
    # Weights larger than the default initialisation, so that every part of the model shows in the logits.
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "norm" in name:
                parameter.uniform_(0.5, 1.5)
            else:
                parameter.normal_(0.0, 0.08)
    model.save_pretrained(folder, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(STARTER / name, Path(folder) / name)
    return folder


def transformers_logits(model_folder, ids, device, adapter=None):
    model = AutoModelForCausalLM.from_pretrained(model_folder, torch_dtype=torch.float32,
                                                 attn_implementation="eager")
    if adapter is not None:
        model = PeftModel.from_pretrained(model, adapter)
    model.to(device).eval()
    with torch.no_grad():
        return model(torch.tensor([ids], device=device)).logits.float().cpu()


def engine_logits(probe, model_folder, ids, device, work, adapter=None):
    out = Path(work) / "engine-logits.safetensors"
    command = [probe, "logits", "--model", str(model_folder), "--ids", ",".join(map(str, ids)), "--out", str(out),
               "--device", device]
    if adapter is not None:
        command += ["--adapter", str(adapter)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return load_file(str(out))["logits"]


def write_records(path):
    with open(path, "w", encoding="utf-8") as out:
        for i in range(40):
            a, b = i % 10, (i * 3 + 1) % 10
            record = {"messages": [{"role": "user", "content": f"What is {a} plus {b}?"},
                                   {"role": "assistant", "content": f"{a} plus {b} is {a + b}."}]}
            out.write(json.dumps(record) + "\n")
    return path


def engine_train(probe, base, records, method, device, work):
    """Trains with the probe's fixed settings (2 epochs, batch 4, lr 5e-3, r 8, alpha 16, seed 3, float32)."""
    result = subprocess.run([probe, "train", "--method", method, "--model", str(base), "--records", str(records),
                             "--out", str(Path(work) / f"job-{method}"), "--device", device],
                            check=True, capture_output=True, text=True)
    return Path(result.stdout.strip().splitlines()[-1].removeprefix("output "))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probe", required=True, help="the engine_probe program")
    parser.add_argument("--out", default=".", help="where results.json goes")
    args = parser.parse_args()
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    ids = [int(x) for x in torch.randint(0, 2048, (24,), generator=torch.Generator().manual_seed(7))]
    rows = []

    def check(what, device, reference, ours):
        difference = (reference - ours).abs().max().item() if reference.shape == ours.shape else float("inf")
        rows.append({"check": what, "device": device, "max_abs_diff": difference, "passed": difference < TOLERANCE})
        print(f"{what:44s} {device:5s} max |diff| {difference:.3e}  {'ok' if difference < TOLERANCE else 'FAILED'}")

    with tempfile.TemporaryDirectory() as work:
        bases = {kind: build_base(kind, Path(work) / kind) for kind in ("llama", "llama3-rope-tied", "mistral", "qwen2")}
        for kind, folder in bases.items():
            for device in devices:
                check(f"logits {kind}", device, transformers_logits(folder, ids, device),
                      engine_logits(args.probe, folder, ids, device, work))

        records = write_records(Path(work) / "records.jsonl")
        train_device = devices[-1]
        for method in ("qlora", "lora", "fast-lora"):
            adapter = engine_train(args.probe, bases["llama"], records, method, train_device, work)
            for device in devices:
                check(f"PEFT adapter of {method} ({adapter.name})", device,
                      transformers_logits(bases["llama"], ids, device, adapter=adapter),
                      engine_logits(args.probe, bases["llama"], ids, device, work, adapter=adapter))

        standard = engine_train(args.probe, bases["llama"], records, "standard", train_device, work)
        for device in devices:
            check("standard_model loaded by transformers", device, transformers_logits(standard, ids, device),
                  engine_logits(args.probe, standard, ids, device, work))
        tokenizer = AutoTokenizer.from_pretrained(standard)
        loaded = tokenizer("What is 2 plus 3?")["input_ids"]
        rows.append({"check": "standard_model tokenizer loaded by transformers", "device": "-",
                     "ids": loaded, "passed": len(loaded) > 0})
        print(f"standard_model tokenizer loaded by transformers: {len(loaded)} ids")

    summary = {
        "date": date.today().isoformat(),
        "machine": platform.node(),
        "cpu": platform.processor() or platform.machine(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
        "checks": rows,
    }
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "results.json").write_text(json.dumps(summary, indent=2))
    failed = [row for row in rows if not row["passed"]]
    print(f"{len(rows) - len(failed)} of {len(rows)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
