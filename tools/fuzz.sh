#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, AddressSanitizer and UndefinedBehaviorSanitizer in
# build-fuzz/, and runs each for a while on its corpus (build-fuzz/corpus/<target>, kept between runs and
# minimised after each) grown from fresh seeds. Prints executions, coverage and corpus size per target.
#   tools/fuzz.sh [SECONDS_PER_TARGET (600)] [TARGET...]   targets: safetensors gguf tokenizer_json config_json
#                                                          csv json jsonl (all by default)
# Needs the normal build's mtm (build/app/mtm) for the seeds. A crash leaves its input in
# build-fuzz/crashes/; copy it to tests/fuzz/regressions/<target>/ with the fix (docs/fuzzing.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors gguf tokenizer_json config_json csv json jsonl)
build=$root/build-fuzz

if [ ! -f "$build/build.ninja" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DMTM_FUZZ=ON \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
fi
cmake --build "$build"

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
"$root/tests/fuzz/make-seeds.sh" "$seeds" "$root/build/app/mtm"
mkdir -p "$build/crashes" "$build/logs"

dictionary() {
    case $1 in
    safetensors) echo safetensors ;;
    gguf) echo gguf ;;
    csv) echo csv ;;
    *) echo json ;;
    esac
}

printf '%-15s %12s %10s %8s %8s %8s\n' target executions exec/s cov ft corpus
for target in "${targets[@]}"; do
    corpus=$build/corpus/$target
    mkdir -p "$corpus"
    log=$build/logs/$target.log
    # Inputs up to 64 KiB; 2 GiB of memory and 10 s per input at most (beyond either is a finding).
    "$build/tests/fuzz/fuzz_$target" "$corpus" "$seeds/$target" -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -dict="$root/tests/fuzz/dictionaries/$(dictionary "$target").dict" \
        -artifact_prefix="$build/crashes/$target-" > "$log" 2>&1 || {
        echo "fuzz_$target stopped with a finding: see $log and $build/crashes/" >&2
        exit 1
    }
    # Keep the corpus small: only inputs that add coverage.
    merged=$(mktemp -d)
    "$build/tests/fuzz/fuzz_$target" -merge=1 "$merged" "$corpus" > /dev/null 2>&1
    rm -rf "$corpus" && mv "$merged" "$corpus"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    printf '%-15s %12s %10s %8s %8s %8s\n' "$target" "$runs" "$speed" "$cov" "$ft" "$(ls "$corpus" | wc -l)"
done
