package releases

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// use does with a loaded workspace everything the commands and the preview do
// with one (validate, plan every path, translate, plan the translations, the
// calendar), so that a change any of them made to a manifest would show in the
// next load that reuses it.
func use(t *testing.T, ws *Workspace) string {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	write := func(v any) {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	write(ws.Diagnostics)
	write(ws.Validate())
	for _, m := range ws.Manifests {
		write(m)
	}
	if ws.Config == nil {
		return out.String()
	}
	locales := append([]string{ws.Config.DefaultLocale()}, ws.Config.Locales...)
	for _, locale := range locales {
		lws, err := ws.Localized(locale)
		if err != nil {
			write(err.Error())
			continue
		}
		for _, m := range lws.Manifests {
			write(m)
		}
		for i, from := range lws.Manifests {
			for _, to := range lws.Manifests[i+1:] {
				p, err := lws.Plan(from.SemVer(), to.SemVer())
				if err != nil {
					write(err.Error())
					continue
				}
				write(p)
			}
		}
		if m, err := lws.Latest(); err == nil {
			write(lws.Calendar(m.ReleaseDate.Year(), m.ReleaseDate))
		}
	}
	return out.String()
}

// sameWorkspace fails unless got, loaded by a Loader, is what Load makes of
// the same files: every value and position, and the same results of using it.
func sameWorkspace(t *testing.T, step string, got, want *Workspace) {
	t.Helper()
	g, w := *got, *want
	g.FS, w.FS = nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: the Loader's workspace differs from Load's", step)
	}
	if !slices.Equal(got.Diagnostics, want.Diagnostics) {
		t.Errorf("%s: load diagnostics differ:\n%s\nwant\n%s", step, diagLines(got.Diagnostics), diagLines(want.Diagnostics))
	}
	if gv, wv := got.Validate(), want.Validate(); !slices.Equal(gv, wv) {
		t.Errorf("%s: validation differs:\n%s\nwant\n%s", step, diagLines(gv), diagLines(wv))
	}
	if gu, wu := use(t, got), use(t, want); gu != wu {
		t.Errorf("%s: plans, translations or calendar differ (%d bytes, want %d)", step, len(gu), len(wu))
	}
}

func replaceIn(t *testing.T, fsys fstest.MapFS, file, old, new string) {
	t.Helper()
	f := fsys[file]
	if f == nil || !bytes.Contains(f.Data, []byte(old)) {
		t.Fatalf("no %q in %s", old, file)
	}
	fsys[file] = &fstest.MapFile{Data: bytes.Replace(f.Data, []byte(old), []byte(new), 1), Mode: f.Mode}
}

// TestLoaderIsLoad: a Loader's loads, after every kind of edit, are Load's:
// the unchanged files' decoding is reused, the changed files' redone, and the
// workspace used in between (validated, planned, translated) is not changed by
// that use.
func TestLoaderIsLoad(t *testing.T) {
	for _, tt := range []struct {
		name string
		fsys func(t *testing.T) fstest.MapFS
	}{
		{name: "example", fsys: func(t *testing.T) fstest.MapFS { return exampleFS(t) }},
		{name: "synthetic", fsys: func(*testing.T) fstest.MapFS {
			return synth.Workspace(synth.Options{Releases: 8, Steps: 12, Seed: 1, Locales: []string{"de"}})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tt.fsys(t)
			var l Loader
			load := func(step string, decoded int) {
				t.Helper()
				got, err := l.Load(fsys)
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				if l.decoded != decoded {
					t.Errorf("%s: %d files decoded, want %d (%d reused)", step, l.decoded, decoded, l.reused)
				}
				// What the preview does between two saves.
				use(t, got)
				sameWorkspace(t, step, got, mustLoad(t, fsys))
			}
			files, err := manifestFiles(fsys, new(Diagnostics))
			if err != nil || len(files) < 3 {
				t.Fatalf("manifests %v: %v", files, err)
			}
			load("first", len(files)+1)
			load("unchanged", 0)
			last := files[len(files)-1]
			original := bytes.Clone(fsys[last].Data)
			replaceIn(t, fsys, last, "title: ", "title: Renamed, ")
			load("a title", 1)
			replaceIn(t, fsys, last, "role: ", "role: nobody-")
			load("a broken reference", 1)
			replaceIn(t, fsys, last, "kind: ", "kind: [")
			load("a syntax error", 1)
			fsys[last] = &fstest.MapFile{Data: original}
			load("fixed", 1)
			// A misnamed copy claims the version of a file that did not change.
			fsys[ReleasesDir+"/9.9.9.yaml"] = &fstest.MapFile{Data: bytes.Clone(fsys[files[0]].Data)}
			load("a duplicate version", 1)
			deleted := fsys[files[1]]
			delete(fsys, files[1])
			load("a deleted manifest", 0)
			delete(fsys, ReleasesDir+"/9.9.9.yaml")
			fsys[files[1]] = deleted
			// Forgotten when it was deleted, so decoded again.
			load("restored", 1)
			config := fsys[ConfigFile].Data
			replaceIn(t, fsys, ConfigFile, "schemaVersion: 1", "schemaVersion: 1\n# a comment")
			load("a comment in the configuration", 1)
			replaceIn(t, fsys, ConfigFile, "schemaVersion: 1", "schemaVersion: 2")
			load("a configuration that does not load", 1)
			fsys[ConfigFile] = &fstest.MapFile{Data: config}
			load("the configuration back", 1)
		})
	}
}
