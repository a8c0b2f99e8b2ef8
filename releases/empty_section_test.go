package releases

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// TestEmptySection: a section written with no value is an empty section, as
// "{}" is, not an absent one: its required fields are reported at its key's
// line instead of passing silently.
func TestEmptySection(t *testing.T) {
	const file = "releases/4.3.0.yaml"
	tests := []struct {
		name, text string
		want       string // the AR0106 diagnostic, LINE standing for the line of the key
	}{
		{name: "absent", text: ""},
		{name: "no value", text: "install:\n", want: file + `:LINE:9: error AR0106: missing required field "steps" in install`},
		{name: "null", text: "install: null\n", want: file + `:LINE:10: error AR0106: missing required field "steps" in install`},
		{name: "tilde with a comment", text: "install: ~ # later\n", want: file + `:LINE:10: error AR0106: missing required field "steps" in install`},
		{name: "empty mapping", text: "install: {}\n", want: file + `:LINE:10: error AR0106: missing required field "steps" in install`},
		{name: "no steps", text: "install:\n  steps: []\n", want: file + `:LINE+1:10: error AR0106: install.steps needs at least one step`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := exampleFS(t)
			data := fsys[file].Data
			line := strings.Count(string(data), "\n") + 1
			fsys[file] = &fstest.MapFile{Data: append(append([]byte{}, data...), tt.text...)}
			var got []string
			for _, d := range mustLoad(t, fsys).Validate() {
				if d.File == file && d.Code == "AR0106" {
					got = append(got, d.String())
				}
			}
			want := strings.ReplaceAll(strings.ReplaceAll(tt.want, "LINE+1", strconv.Itoa(line+1)), "LINE", strconv.Itoa(line))
			if strings.Join(got, "\n") != want {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
			}
		})
	}
}

func TestAtLeast(t *testing.T) {
	tests := []struct {
		field string
		n     int
		want  string
	}{
		{"steps", 1, "one step"},
		{"features", 2, "2 features"},
		{"causedBy", 1, "one entry"},
		{"causedBy", 3, "3 entries"},
	}
	for _, tt := range tests {
		if got := atLeast(tt.field, tt.n); got != tt.want {
			t.Errorf("atLeast(%q, %d) = %q, want %q", tt.field, tt.n, got, tt.want)
		}
	}
}

// TestWordUnusedCategory: a word's form of a category its locale never uses
// for whole numbers is an error at that form, as a missing one is.
func TestWordUnusedCategory(t *testing.T) {
	const file = "locales/de/language.yaml"
	tests := []struct {
		name, from, to string
		want           string
	}{
		{name: "the forms German uses", from: "    other: Blöcke\n", to: "    other: Blöcke\n"},
		{name: "few in German", from: "    other: Blöcke\n", to: "    other: Blöcke\n    few: Blöcke\n",
			want: file + `:LINE:10: error AR1407: word "block" gives a "few" form, which de never uses (it uses one, other): remove it, or give the form under the category the count belongs to`},
		{name: "zero and many", from: "    one: Block\n", to: "    zero: keine Blöcke\n    one: Block\n    many: Blöcke\n",
			want: file + `:LINE:11: error AR1407: word "block" gives a "zero" form, which de never uses (it uses one, other): remove it, or give the form under the category the count belongs to` + "\n" +
				file + `:LINE+2:11: error AR1407: word "block" gives a "many" form, which de never uses (it uses one, other): remove it, or give the form under the category the count belongs to`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := exampleFS(t)
			src := string(fsys[file].Data)
			i := strings.Index(src, tt.from)
			if i < 0 {
				t.Fatalf("%s has no %q", file, tt.from)
			}
			line := strings.Count(src[:i], "\n") + 1
			if tt.from == "    other: Blöcke\n" {
				line++ // the added form follows it
			}
			fsys[file] = &fstest.MapFile{Data: []byte(src[:i] + tt.to + src[i+len(tt.from):])}
			var got []string
			for _, d := range mustLoad(t, fsys).Validate() {
				if d.Code == "AR1407" {
					got = append(got, d.String())
				}
			}
			want := strings.ReplaceAll(strings.ReplaceAll(tt.want, "LINE+2", strconv.Itoa(line+2)), "LINE", strconv.Itoa(line))
			if strings.Join(got, "\n") != want {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
			}
		})
	}
}
