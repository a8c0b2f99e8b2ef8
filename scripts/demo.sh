#!/usr/bin/env bash
# The main job end to end on the example workspace (make demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin/atlas-release
ws=examples/atlas
out=$PWD/.demo
rm -rf "$out" && mkdir -p "$out"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Validate the example workspace ($ws)"
"$bin" -C "$ws" validate

step "What a customer on 4.1 faces to reach 4.3"
"$bin" -C "$ws" plan --from 4.1 --to 4.3

step "Runbooks, release notes and the changelog"
for from in 4.0 4.1 4.2; do
	"$bin" -C "$ws" runbook --from "$from" --to 4.3 --format html --out "$out/runbook-$from-to-4.3.html"
	"$bin" -C "$ws" runbook --from "$from" --to 4.3 --format md --out "$out/runbook-$from-to-4.3.md"
done
"$bin" -C "$ws" notes 4.3 --format html --out "$out/release-notes-4.3.html"
"$bin" -C "$ws" notes 4.3 --out "$out/release-notes-4.3.md"
"$bin" -C "$ws" changelog --out "$out/CHANGELOG.md"
ls -1 "$out"

step "What changed in the procedure from 4.2 to 4.3"
"$bin" -C "$ws" diff 4.2 4.3 > "$out/runbook-4.2-vs-4.3.diff"
head -n 40 "$out/runbook-4.2-vs-4.3.diff"
echo "… (the whole diff: $out/runbook-4.2-vs-4.3.diff)"

printf '\nOpen %s in a browser: tick steps, reload, print.\n' "$out/runbook-4.1-to-4.3.html"
