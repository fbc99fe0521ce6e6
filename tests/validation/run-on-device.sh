#!/bin/bash
# On a GPU machine with PyTorch (CUDA), transformers and PEFT: builds the engine alone against the LibTorch
# inside the installed torch package, runs the CUDA tests and the engine tests, then the comparison with
# transformers and PEFT. Writes logs and results.json into OUT (default: $OUT, else ./device-results).
# Needs .device/ from carry-dependencies.sh. Usage: tests/validation/run-on-device.sh [OUT]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-${OUT:-$root/device-results}}
mkdir -p "$out"
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
{
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
    python3 -c 'import torch, transformers, peft; print("torch", torch.__version__, "cuda", torch.version.cuda,
"transformers", transformers.__version__, "peft", peft.__version__)'
} > "$out/machine.txt" 2>&1
cmake -S "$root" -B "$root/build-device" -G Ninja -DMTM_ENGINE_ONLY=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$root/.device/prefix" -DMTM_GOOGLETEST_SOURCE="$root/.device/googletest" \
    > "$out/build.log" 2>&1 &&
    cmake --build "$root/build-device" -j "$(nproc)" >> "$out/build.log" 2>&1
status=$?
if [ $status -ne 0 ]; then
    tail -40 "$out/build.log"
    exit $status
fi
"$root/build-device/tests/engine_gpu_tests" > "$out/gpu-tests.log" 2>&1
echo "engine_gpu_tests: exit $?"
(cd "$root/build-device" && ctest -j "$(nproc)" --output-on-failure > "$out/engine-tests.log" 2>&1)
echo "engine tests (ctest): exit $?; $(grep -E 'tests passed|tests failed' "$out/engine-tests.log")"
python3 "$root/tests/validation/compare_with_transformers.py" --probe "$root/build-device/tests/engine_probe" \
    --out "$out" 2>&1 | tee "$out/compare.log"
