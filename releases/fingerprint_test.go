package releases

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/Masterminds/semver/v3"
)

const deRelease = "locales/de/releases/4.3.0.yaml"

// withoutFingerprints is the example's German translation as written before
// translations recorded fingerprints.
func withoutFingerprints(t *testing.T) string {
	t.Helper()
	fsys := exampleFS(t)
	return regexp.MustCompile(`\n *fingerprint: [0-9a-f]{12}`).ReplaceAllString(string(fsys[deRelease].Data), "")
}

// loadTranslation loads the example with src as its German translation of 4.3.0.
func loadTranslation(t *testing.T, src string) (*Workspace, *ReleaseTranslation, *Manifest) {
	t.Helper()
	fsys := exampleFS(t)
	fsys[deRelease] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
	ws := mustLoad(t, fsys)
	m, ok := ws.Find(mustParseVersion(t, "4.3.0"))
	if !ok {
		t.Fatal("no 4.3.0")
	}
	rt := ws.Translation("de").Release(m.SemVer())
	if rt == nil {
		t.Fatalf("the translation did not load: %v", ws.Validate())
	}
	return ws, rt, m
}

func mustParseVersion(t *testing.T, s string) *semver.Version {
	t.Helper()
	v, err := ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func codes(ds Diagnostics) map[string]int {
	out := map[string]int{}
	for _, d := range ds {
		out[d.Code]++
	}
	return out
}

// TestConfirmTranslation writes fingerprints into translation files of every
// layout, keeps the rest of the file, and leaves validate with nothing to say.
func TestConfirmTranslation(t *testing.T) {
	bare := withoutFingerprints(t)
	tests := []struct {
		name    string
		src     string
		keys    []string
		changed []string // keys of the items confirmed
		wantErr string
		// stale counts the AR1408 warnings left after confirming.
		stale int
	}{
		{name: "every item of a file without fingerprints", src: bare, changed: []string{"summary", "contentFreeze", "add-it-template-gallery",
			"hub-qna", "meeting-notes-to-hub", "connex-search-ranking", "add-it-attachments", "classic-news-removal-date",
			"connex-offline", "add-it-offline", "qna-new-pages"}},
		{name: "one item, the others left without", src: bare, keys: []string{"hub-qna"}, changed: []string{"hub-qna"}},
		{name: "a stale fingerprint replaced", src: strings.Replace(string(exampleFS(t)[deRelease].Data), "fingerprint: 5025a30f4cb6", "fingerprint: abcdefabcdef # checked by Jonas", 1),
			keys: []string{"hub-qna"}, changed: []string{"hub-qna"}},
		{name: "a quoted stale fingerprint replaced", src: strings.Replace(string(exampleFS(t)[deRelease].Data), "fingerprint: 301e348aada5", `fingerprint: "123456789012"`, 1),
			changed: []string{"contentFreeze"}},
		{name: "only what is not current", src: string(exampleFS(t)[deRelease].Data), changed: nil},
		{name: "a file without a final line break", src: strings.TrimRight(bare, "\n"), keys: []string{"summary", "qna-new-pages"}, changed: []string{"summary", "qna-new-pages"}},
		{name: "an item that is not there", src: bare, keys: []string{"hub-qnaa"}, wantErr: `no translated item "hub-qnaa" in locales/de/releases/4.3.0.yaml; did you mean "hub-qna"?`},
		{name: "a flow mapping", src: regexp.MustCompile(`(?s)outages:\n  - id: connex-offline\n.*?  - id: add-it-offline`).ReplaceAllString(bare, "outages:\n  - {id: connex-offline, userMessage: Das Personenverzeichnis wird aktualisiert.}\n  - id: add-it-offline"),
			keys: []string{"connex-offline"}, wantErr: "cannot place the fingerprints in this layout; write them by hand: outage \"connex-offline\": fingerprint: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rt, m := loadTranslation(t, tt.src)
			out, changed, err := ConfirmTranslation([]byte(tt.src), rt, m, tt.keys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, it := range changed {
				keys = append(keys, it.Key)
			}
			if strings.Join(keys, " ") != strings.Join(tt.changed, " ") {
				t.Fatalf("confirmed %v, want %v", keys, tt.changed)
			}
			// Every line of the source is still there, in order: only
			// fingerprints were added or changed.
			rest := string(out)
			for _, line := range strings.Split(tt.src, "\n") {
				if strings.Contains(line, "fingerprint:") {
					continue
				}
				i := strings.Index(rest, line)
				if i < 0 {
					t.Fatalf("line %q lost or moved:\n%s", line, out)
				}
				rest = rest[i+len(line):]
			}
			ws, rt2, m2 := loadTranslation(t, string(out))
			for _, it := range rt2.Items(m2) {
				confirmed := len(tt.keys) == 0 || strings.Contains(" "+strings.Join(tt.keys, " ")+" ", " "+it.Key+" ")
				if confirmed && it.Recorded != it.Current {
					t.Errorf("%s records %q, want %q", it.Name(), it.Recorded, it.Current)
				}
			}
			got := codes(ws.Validate())
			if got["AR1408"] != tt.stale || got["AR0105"]+got["AR0102"]+got["AR0103"] > 0 {
				t.Errorf("after confirming: %v\n%s", got, out)
			}
			if len(tt.keys) == 0 && got["AR1409"] > 0 {
				t.Errorf("items without fingerprints after confirming all: %v", ws.Validate())
			}
		})
	}
}

// TestStaleTranslations: a change of the source text makes exactly the items
// that translate it stale, in validate (AR1408, naming both places) and for
// publish (StaleTranslations).
func TestStaleTranslations(t *testing.T) {
	fsys := exampleFS(t)
	manifest := string(fsys["releases/4.3.0.yaml"].Data)
	changed := strings.Replace(manifest, "The people directory is being upgraded", "The people directory is being updated", 1)
	if changed == manifest {
		t.Fatal("the example's 4.3.0 has no userMessage")
	}
	fsys["releases/4.3.0.yaml"] = &fstest.MapFile{Data: []byte(changed), Mode: 0o644}
	ws := mustLoad(t, fsys)
	var stale []Diagnostic
	for _, d := range ws.Validate() {
		if d.Code == "AR1408" {
			stale = append(stale, d)
		}
	}
	if len(stale) != 1 || stale[0].File != deRelease || !strings.Contains(stale[0].Message, `outage "connex-offline" is out of date: the text it translates (releases/4.3.0.yaml:`) ||
		!strings.Contains(stale[0].Message, "atlas-release translations confirm de 4.3.0 connex-offline") {
		t.Fatalf("want one AR1408 for the outage, got %v", stale)
	}
	m, _ := ws.Find(mustParseVersion(t, "4.3.0"))
	st := ws.StaleTranslations(m)
	if len(st) != 1 || st[0].Locale != "de" || len(st[0].Items) != 1 || st[0].Items[0].Key != "connex-offline" {
		t.Fatalf("stale translations %+v", st)
	}
	// The unchanged workspace has none.
	ws = mustLoad(t, exampleFS(t))
	m, _ = ws.Find(mustParseVersion(t, "4.3.0"))
	if st := ws.StaleTranslations(m); len(st) != 0 {
		t.Fatalf("the example has stale translations: %+v", st)
	}
}

// TestFingerprintsMissing warns once for a file without fingerprints, and item
// by item for a file where only some items have one.
func TestFingerprintsMissing(t *testing.T) {
	bare := withoutFingerprints(t)
	ws, _, _ := loadTranslation(t, bare)
	if got := codes(ws.Validate()); got["AR1409"] != 1 {
		t.Errorf("a file without fingerprints: %v, want one AR1409", got)
	}
	_, rt, m := loadTranslation(t, bare)
	some, _, err := ConfirmTranslation([]byte(bare), rt, m, []string{"summary", "hub-qna"})
	if err != nil {
		t.Fatal(err)
	}
	ws, _, _ = loadTranslation(t, string(some))
	if got := codes(ws.Validate()); got["AR1409"] != 9 {
		t.Errorf("a file with 2 of 11 fingerprints: %v, want 9 AR1409", got)
	}
}

// TestFingerprint: the fingerprint follows the text, not how YAML lays it out,
// and fields cannot trade text.
func TestFingerprint(t *testing.T) {
	for _, tt := range []struct {
		a, b []string
		same bool
	}{
		{[]string{"Title", "Body"}, []string{"Title", "Body"}, true},
		{[]string{"Title", "Body\n"}, []string{"Title", "Body"}, true},
		{[]string{"Title", "Body"}, []string{"Title", "Body."}, false},
		{[]string{"Ti", "tleBody"}, []string{"Title", "Body"}, false},
		{[]string{"Title", ""}, []string{"Title"}, false},
	} {
		if got := Fingerprint(tt.a...) == Fingerprint(tt.b...); got != tt.same {
			t.Errorf("Fingerprint(%q) == Fingerprint(%q): %v", tt.a, tt.b, got)
		}
	}
	if f := Fingerprint("x"); !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(f) {
		t.Errorf("fingerprint %q", f)
	}
}

// TestYAMLString quotes the fingerprints YAML would read as numbers.
func TestYAMLString(t *testing.T) {
	for in, want := range map[string]string{"a91b7c547eea": "a91b7c547eea", "123456789012": `"123456789012"`, "1234567890e1": `"1234567890e1"`} {
		if got := yamlString(in); got != want {
			t.Errorf("yamlString(%q) = %s, want %s", in, got, want)
		}
	}
}
