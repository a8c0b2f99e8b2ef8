package releases

import (
	"testing"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// BenchmarkValidate loads and validates a synthetic workspace of 40 releases with
// 60 steps each (target: under 100 ms and 50 MB).
func BenchmarkValidate(b *testing.B) {
	fsys := synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		ws, err := Load(fsys)
		if err != nil {
			b.Fatal(err)
		}
		if diags := ws.Validate(); diags.Errors() > 0 {
			b.Fatalf("synthetic workspace does not validate:\n%s", diagLines(diags))
		}
	}
}

// BenchmarkLoad compares a load that decodes every file (cold) with one that
// takes every file from a warm DiskCache, on the 40 × 60 workspace.
func BenchmarkLoad(b *testing.B) {
	fsys := synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Load(fsys); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm-cache", func(b *testing.B) {
		dc := DiskCache{Tool: "bench", Store: newMemStore()}
		if _, err := LoadCached(fsys, dc); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := LoadCached(fsys, dc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCacheEntry is the round trip of one manifest of 60 steps through
// the entry codec.
func BenchmarkCacheEntry(b *testing.B) {
	fsys := synth.Workspace(synth.Options{Releases: 1, Steps: 60, Seed: 1})
	ws, err := Load(fsys)
	if err != nil || len(ws.Manifests) != 1 {
		b.Fatal(err, len(ws.Manifests))
	}
	m := ws.Manifests[0]
	var key [32]byte
	entry, err := encodeEntry(key, m, ws.Diagnostics)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(entry)))
		for b.Loop() {
			if _, err := encodeEntry(key, m, ws.Diagnostics); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(entry)))
		for b.Loop() {
			if _, _, err := decodeEntry[*Manifest](entry, key); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkValidateRules is Validate alone on a loaded 40 × 60 workspace: what
// a run with a warm decode cache pays on top of taking the entries.
func BenchmarkValidateRules(b *testing.B) {
	ws, err := Load(synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if diags := ws.Validate(); diags.Errors() > 0 {
			b.Fatalf("synthetic workspace does not validate:\n%s", diagLines(diags))
		}
	}
}

// BenchmarkPlanAllPaths plans every (from, to) pair of the 40 × 60 workspace,
// as runbook --all does before rendering: 780 paths per iteration.
func BenchmarkPlanAllPaths(b *testing.B) {
	ws, err := Load(synth.Workspace(synth.Options{Releases: 40, Steps: 60, Seed: 1}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, from := range ws.Manifests {
			for _, to := range ws.Manifests[i+1:] {
				if _, err := ws.Plan(from.SemVer(), to.SemVer()); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
