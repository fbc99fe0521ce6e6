#!/usr/bin/env bash
# Writes the fuzzers' seed corpora into $1/<target>/: model files made by the project's own writers (mtm
# train-tokenizer, mtm make-tiny-model), small GGUF files written field by field (make-gguf-seeds.py; the
# engine writes no GGUF yet), and datasets of every schema the importer knows. Needs a normal build's mtm: $2.
set -euo pipefail
out=$1
mtm=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$out"/{safetensors,gguf,tokenizer_json,config_json,csv,json,jsonl}

# Tokenizers and models: a 300-token tokenizer keeps the weights small (a few KB), so the fuzzer runs fast.
sed -n '1,200p' "$here/../../resources/sample-data/starter-alpaca.json" > "$work/corpus.txt"
"$mtm" train-tokenizer --vocab 300 --out "$work/tokenizer" "$work/corpus.txt" > /dev/null
cp "$work/tokenizer/tokenizer.json" "$out/tokenizer_json/small.json"
cp "$here/../../resources/starter-model/tokenizer.json" "$out/tokenizer_json/starter.json"
for family in llama mistral qwen2; do
    "$mtm" make-tiny-model --family "$family" --hidden 8 --layers 1 --heads 2 --kv-heads 1 --intermediate 8 \
        --context 64 --tokenizer "$work/tokenizer" --out "$work/$family" > /dev/null
    cp "$work/$family/config.json" "$out/config_json/$family.json"
    cp "$work/$family/model.safetensors" "$out/safetensors/$family.safetensors"
done
"$mtm" make-tiny-model --hidden 8 --layers 1 --heads 2 --kv-heads 1 --intermediate 8 --context 64 \
    --dtype bfloat16 --untied --tokenizer "$work/tokenizer" --out "$work/bf16" > /dev/null
cp "$work/bf16/model.safetensors" "$out/safetensors/bf16-untied.safetensors"
cp "$here/../../resources/starter-model/config.json" "$out/config_json/starter.json"

python3 "$here/make-gguf-seeds.py" "$out/gguf"

# Datasets: every schema, quoting, line endings, a byte order mark, invalid UTF-8.
printf 'prompt,completion\nWhat is 2+2?,4\n"Say ""hi""","hi\nthere"\n' > "$out/csv/prompt-completion.csv"
printf '\xEF\xBB\xBFinstruction;input;output\r\nAdd;1 and 2;3\r\nName;;Ada\r\n' > "$out/csv/alpaca-bom-crlf.csv"
printf 'text\nplain text\nbad \xC3\x28 byte\n' > "$out/csv/text-invalid-utf8.csv"
printf 'title\ttext\tsource\nA\tSome document\thttp://x\n' > "$out/csv/documents.tsv"
cp "$here/../../resources/sample-data/starter-alpaca.json" "$out/json/alpaca.json"
printf '[{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}]' > "$out/json/chat.json"
printf '{"data": [{"prompt": "a", "completion": "b"}, {"prompt": 1, "completion": true}]}' > "$out/json/wrapped.json"
printf '{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}\n' > "$out/jsonl/sharegpt.jsonl"
printf '{"prompt": "a", "completion": "b"}\r\n\r\n{"prompt": "\\u00e9\\ud83d\\ude00", "completion": "c"}\n{"prompt": [1]}\n' > "$out/jsonl/prompt-completion.jsonl"
printf '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n{"text": "x"}\n' > "$out/jsonl/chat.jsonl"
