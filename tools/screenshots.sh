#!/usr/bin/env bash
# Writes a PNG of every page and dialog of the desktop app into the folder given, under a virtual X display.
# Uses the data directory of MTM_DATA_DIR when set (so screenshots can show prepared data), else a fresh one.
set -euo pipefail

if (($# != 1)); then
    echo "usage: tools/screenshots.sh OUTPUT_FOLDER" >&2
    exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app="${MTM_BUILD_DIR:-$root/build}/app/model-training-manager"
if [[ ! -x "$app" ]]; then
    echo "screenshots: $app is not built yet; run packaging/build.sh first." >&2
    exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export MTM_DATA_DIR=${MTM_DATA_DIR:-$scratch/data}
export XDG_CONFIG_HOME=$scratch/config
xvfb-run -a -s '-screen 0 1600x1000x24' "$app" --screenshots "$1"
