#!/usr/bin/env bash
# Benchmarks and measurements whose numbers are reported in issue notes. Tests
# never assert wall-clock time; this script measures it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin/atlas-release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/measure" ./scripts/measure

echo "== Issue 16: the speed table (a 40 x 60 synthetic workspace generated here; each ratio from one run, command and reference taking turns; validate and runbook rows warm (run repeatedly: the decode cache in the table's own folder) and cold (ATLAS_RELEASE_CACHE=off); cut rows need minisign)"
"$tmp/measure" -table "$bin"

echo
echo "== Hostile manifests through the real binary (target: exit 3, < 2 s, < 200 MB each)"
go build -o "$tmp/hostile" ./scripts/hostile
mkdir "$tmp/inputs"
"$tmp/hostile" "$tmp/inputs" >/dev/null
for input in "$tmp"/inputs/*.yaml; do
	rm -rf "$tmp/ws" && cp -r examples/atlas "$tmp/ws"
	cp "$input" "$tmp/ws/releases/4.4.0.yaml"
	"$tmp/measure" "$(basename "$input" .yaml)" "$bin" -C "$tmp/ws" validate
done

echo
echo "== publish zendesk against the emulator (target: wall <= 1.1x the rate-limit floor; an unchanged re-publish writes nothing)"
go run ./scripts/publishbench

