#!/bin/bash
# Makes the starter model that ships in resources/starter-model/ from the project's own text in
# resources/starter-corpus/, with nothing downloaded:
#   1. a 2,048-token byte-level BPE trained on the corpus and the sample dataset;
#   2. a random-weight Llama-architecture model of about 3.4 M parameters;
#   3. full training on the corpus documents (plain text), then on the corpus conversations (chat), both with
#      `mtm train`, so that the model knows some English and the chat format but not the sample dataset,
#      which is left for the user's first fine-tune.
# Usage: tools/make-starter-model.sh [BUILD_DIR]   (default: build). Takes about 10 minutes on 2 cores.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
mtm="$build/app/mtm"
corpus="$root/resources/starter-corpus"
target="$root/resources/starter-model"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MTM_DATA_DIR="$work/data"

echo "== Tokenizer"
"$mtm" train-tokenizer --vocab 2048 --out "$work/tokenizer" "$corpus"/*.txt \
    "$root/resources/sample-data/starter-alpaca.json"

echo "== Random weights"
"$mtm" make-tiny-model --family llama --hidden 256 --layers 4 --heads 4 --kv-heads 2 --intermediate 688 \
    --context 1024 --seed 20261124 --dtype bfloat16 --tokenizer "$work/tokenizer" --out "$work/random"

echo "== Datasets"
# The text files hold documents separated by lines "---"; each becomes one {"text": ...} record.
python3 - "$work/documents.jsonl" "$corpus"/*.txt <<'PYTHON'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for path in sys.argv[2:]:
        text = open(path, encoding="utf-8").read()
        for document in text.split("\n---\n"):
            document = document.strip()
            if document:
                out.write(json.dumps({"text": document}, ensure_ascii=False) + "\n")
PYTHON
cat "$corpus"/conversations-*.jsonl > "$work/conversations.jsonl"
"$mtm" datasets import "$work/documents.jsonl" --name starter-documents
"$mtm" datasets import "$work/conversations.jsonl" --name starter-conversations

# Full training of MODEL on a stored DATASET into the job folder $work/NAME-job.
train_stage() {
    local name=$1 model=$2 dataset=$3 epochs=$4 learning_rate=$5 seed=$6
    echo "== Training on the $name"
    cat > "$work/$name.json" <<JSON
{"training_type": "standard", "model_name": "$model", "dataset": "$dataset",
 "epochs": $epochs, "batch_size": 8, "learning_rate": $learning_rate, "lr_scheduler_type": "cosine",
 "warmup_ratio": 0.05, "weight_decay": 0.01, "max_seq_length": 512, "eval_split": 0.05, "seed": $seed}
JSON
    "$mtm" train "$work/$name.json" --output "$work/$name-job" --log-every 50
}
train_stage documents "$work/random" starter-documents 12 0.002 1
train_stage conversations "$work/documents-job/standard_model" starter-conversations 6 0.001 2

echo "== Into $target"
mkdir -p "$target"
for file in config.json generation_config.json model.safetensors tokenizer.json tokenizer_config.json; do
    cp "$work/conversations-job/standard_model/$file" "$target/$file"
done
ls -l "$target"
