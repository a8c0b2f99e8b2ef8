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

echo
echo "== publish zendesk against the emulator (target: wall <= 1.1x the rate-limit floor; an unchanged re-publish writes nothing)"
go run ./scripts/publishbench

echo
echo "== cut with a 512 MiB payload, against tar czf + sha256sum + minisign -S on the same files"
echo "   (targets: time <= 1.5x the bare pipeline, peak memory <= 64 MB; verify >= 0.8x the throughput of minisign -V)"
if ! command -v minisign >/dev/null; then
	echo "minisign is not installed (apt-get install minisign): skipped"
	exit 0
fi
ws="$tmp/ws"
rm -rf "$ws" && cp -r examples/atlas "$ws"
sed -i 's/bundleSources: 3 /bundleSources: 1 /' "$ws/atlas-release.yaml"
head -c $((512 << 20)) /dev/urandom >> "$ws/scripts/Deploy-AtlasPackage.ps1"
"$bin" keygen --out-dir "$tmp/keys" --unencrypted >/dev/null
minisign -G -W -p "$tmp/ms.pub" -s "$tmp/ms.key" >/dev/null
pub=$(tail -n 1 "$tmp/keys/atlas-release.pub")
bundle="$tmp/dist/4.3.0/atlas-4.3.0-from-4.2.0.tar.gz"
for round in 1 2; do
	rm -rf "$tmp/dist" "$tmp/files" "$tmp/bare" && mkdir -p "$tmp/files" "$tmp/bare"
	"$tmp/measure" "cut (round $round)" "$bin" -C "$ws" cut 4.3 --key "$tmp/keys/atlas-release.key" --dist "$tmp/dist"
	tar xzf "$bundle" -C "$tmp/files"
	"$tmp/measure" "bare (round $round)" bash -c "tar czf $tmp/bare/b.tar.gz -C $tmp/files . && sha256sum $tmp/bare/b.tar.gz > $tmp/bare/SUMS && minisign -S -s $tmp/ms.key -m $tmp/bare/b.tar.gz >/dev/null && minisign -S -s $tmp/ms.key -m $tmp/bare/SUMS >/dev/null"
	"$tmp/measure" "verify (round $round)" "$bin" verify "$bundle" --key "$pub"
	"$tmp/measure" "minisign -V (round $round)" minisign -H -Vm "$bundle" -P "$pub"
done
ls -l "$bundle" | awk '{printf "bundle size: %.1f MiB\n", $5/1048576}'
