#!/usr/bin/env bash
# Benchmarks and measurements whose numbers are reported in issue notes. Tests
# never assert wall-clock time; this script measures it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/bin/atlas-release
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== Validation of a synthetic workspace: 40 releases x 60 steps (target: < 100 ms, < 50 MB)"
go test -run '^$' -bench '^BenchmarkValidate$' -benchmem -count 5 ./releases | grep -E '^Benchmark|^ok'

echo
echo "== Compose and render (md, html, json) every path of a synthetic 40-release workspace (target: < 2 s)"
go test -run '^$' -bench '^BenchmarkAllPaths$' -benchmem -count 3 -benchtime 2x ./templates | grep -E '^Benchmark|^ok'

echo
echo "== Hostile manifests through the real binary (target: exit 3, < 2 s, < 200 MB each)"
go build -o "$tmp/measure" ./scripts/measure
go build -o "$tmp/hostile" ./scripts/hostile
mkdir "$tmp/inputs"
"$tmp/hostile" "$tmp/inputs" >/dev/null
for input in "$tmp"/inputs/*.yaml; do
	rm -rf "$tmp/ws" && cp -r examples/atlas "$tmp/ws"
	cp "$input" "$tmp/ws/releases/4.4.0.yaml"
	"$tmp/measure" "$(basename "$input" .yaml)" "$bin" -C "$tmp/ws" validate
done
