#!/usr/bin/env bash
# README command 2 (and CI): installs what is missing, builds, and runs the whole test suite through CTest.
# Tests labelled "gpu" report "Skipped" on machines without CUDA.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MTM_BUILD_DIR:-$root/build}
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 1200 "$@"
