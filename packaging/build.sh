#!/usr/bin/env bash
# Configures (Release, Ninja, ccache when present) and builds the project into build/ (or $MTM_BUILD_DIR).
# Extra arguments go to CMake's configure step, e.g. -DMTM_BUILD_TESTS=OFF.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MTM_BUILD_DIR:-$root/build}

generator=()
if [[ ! -f "$build/CMakeCache.txt" ]] && command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" --parallel "$(nproc)"
