#!/usr/bin/env bash
# The main job end to end on the example workspace (make demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin/atlas-release
ws=examples/atlas

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Validate the example workspace ($ws)"
"$bin" -C "$ws" validate
