#!/bin/bash
# Copies what the engine's build needs and a GPU machine lacks into .device/ (ignored by git), for the device
# tool to carry: the nlohmann/json headers with their CMake package, and GoogleTest's sources (Debian's
# googletest package). Run on the development machine, then see run-on-device.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target="$root/.device"
rm -rf "$target"
mkdir -p "$target/prefix/include" "$target/prefix/share/cmake"
cp -r /usr/include/nlohmann "$target/prefix/include/"
cp -r /usr/share/cmake/nlohmann_json "$target/prefix/share/cmake/"
cp -r /usr/src/googletest "$target/googletest"
du -sh "$target"
