#!/usr/bin/env bash
# README command 1: installs what is missing, builds, and starts the desktop app.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/packaging/install-deps.sh"
"$root/packaging/build.sh"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
    echo "run-app: no display found. Start it from a desktop session, or inside a virtual one:" >&2
    echo "         xvfb-run -a -s '-screen 0 1600x1000x24' $root/build/app/model-training-manager" >&2
    exit 1
fi
exec "${MTM_BUILD_DIR:-$root/build}/app/model-training-manager" "$@"
