package bundle

import (
	"encoding/json"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
)

func TestCheckPath(t *testing.T) {
	ok := []string{"runbook.md", "scripts/Deploy-AtlasBackend.ps1", "communications/de/announcement-end.md",
		".hidden", "a/b/c_d-e.f", strings.Repeat("a", maxNameLen), strings.Repeat("a/", maxPathLen/2-1) + "b", "CONSOLE.md", "COM.md", "nul-x.md"}
	for _, p := range ok {
		if err := checkPath(p); err != nil {
			t.Errorf("checkPath(%q) = %v", p, err)
		}
	}
	refused := map[string]string{
		"":                        "empty",
		".":                       "empty",
		"..":                      "not local",
		"a/../b":                  "not local",
		"a//b":                    "not local",
		"a/./b":                   "not local",
		"a/":                      "not local",
		"/etc/passwd":             "absolute",
		"C:evil":                  "drive letter",
		"c:/evil":                 "drive letter",
		`a\b`:                     "backslash",
		"a\x00b":                  "control",
		"a\nb":                    "control",
		"a\x7fb":                  "control",
		"a b":                     "contains ' '",
		"runbook.md:stream":       "contains ':'",
		"a*b":                     "contains '*'",
		"runb\u043eok.md":         `contains '\u043e'`,
		"\u212Aelvin":             `contains '\u212a'`,
		"e\u0301.md":              "contains",
		"a\u202eb":                "contains",
		"\xff":                    "contains",
		"runbook.md.":             "ends with a dot",
		"scripts./a":              "ends with a dot",
		"...":                     "ends with a dot",
		"CON":                     "device name",
		"scripts/nul.ps1":         "device name",
		"Com1.tar.gz":             "device name",
		"lpt9":                    "device name",
		"aux/x":                   "device name",
		strings.Repeat("a", 256):  "longer than 255",
		strings.Repeat("a/", 513): "longer than 1024",
	}
	for p, want := range refused {
		err := checkPath(p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkPath(%q) = %v, want an error saying %q", p, err, want)
		}
	}
}

// TestPathSet adds paths in order; the last one is refused with want, or
// accepted when want is empty.
func TestPathSet(t *testing.T) {
	type add struct {
		name string
		dir  bool
	}
	tests := []struct {
		adds []add
		want string
	}{
		{[]add{{"a", true}, {"a/b", false}, {"a/c", false}, {"d", false}}, ""},
		{[]add{{"a/b", false}, {"a", true}}, ""}, // a folder after its files
		{[]add{{"a", false}, {"a", false}}, "appears twice"},
		{[]add{{"a", true}, {"a", true}}, "appears twice"},
		{[]add{{"a", true}, {"a", false}}, "appears twice"},
		{[]add{{"a", false}, {"a", true}}, "appears twice"},
		{[]add{{"a", false}, {"a/b", false}}, "is inside a, which is a file"},
		{[]add{{"a", false}, {"a/b/c", false}}, "is inside a, which is a file"},
		{[]add{{"a/b", false}, {"a", false}}, "is a file, but other paths in the archive are inside it"},
		{[]add{{"a/b/c", false}, {"a/b", false}}, "is a file, but other paths"},
		{[]add{{"a", false}, {"A", false}}, "differs from a only in case"},
		{[]add{{"a", true}, {"A", true}}, "differs from a only in case"},
		{[]add{{"a/x", false}, {"A/y", false}}, "differs from folder a only in case"},
		{[]add{{"a/x", false}, {"A", false}}, "differs from a only in case"},
		{[]add{{"A", false}, {"a/x", false}}, "is inside a, which differs from the file A only in case"},
	}
	for _, tc := range tests {
		s := newPathSet()
		var err error
		for i, a := range tc.adds {
			err = s.add(a.name, a.dir)
			if i < len(tc.adds)-1 && err != nil {
				t.Fatalf("%v: add %q: %v", tc.adds, a.name, err)
			}
		}
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v, want %q", tc.adds, err, tc.want)
		}
	}
}

func TestDecodeStrict(t *testing.T) {
	tests := []struct {
		json, want string
	}{
		{`{"schemaVersion": 1, "product": "atlas", "files": [{"path": "a", "size": 1, "sha256": "x"}]}`, ""},
		{`{"product": "atlas"} `, ""},
		{`{"product": "atlas"}{"product": "evil"}`, "data follows the JSON value"},
		{`{"product": "atlas"} []`, "data follows the JSON value"},
		{`{"product": "atlas"} x`, "invalid character"},
		{`{"product": "atlas", "product": "evil"}`, `the key "product" appears twice`},
		{`{"product": "atlas", "Product": "evil"}`, `the keys "product" and "Product" of an object are the same key`},
		{`{"snapshot": false, "ſnapshot": true}`, `the keys "snapshot" and "ſnapshot"`},
		{`{"files": [{"path": "a", "PATH": "b"}]}`, `the keys "path" and "PATH"`},
		{`{"files": [{"path": "a"}, {"path": "b"}]}`, ""}, // the same key in two objects
		{`{"evil": 1}`, "unknown field"},
		{`{"files": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}`, "nested more than"},
		{``, "EOF"},
	}
	for _, tc := range tests {
		var m Manifest
		err := decodeStrict([]byte(tc.json), &m)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("decodeStrict(%s) = %v, want %q", tc.json, err, tc.want)
		}
	}
}

func TestFoldKey(t *testing.T) {
	for _, pair := range [][2]string{{"snapshot", "SNAPSHOT"}, {"snapshot", "ſnapshot"}, {"kind", "\u212Aind"}, {"a", "A"}} {
		if foldKey(pair[0]) != foldKey(pair[1]) {
			t.Errorf("%q and %q fold apart", pair[0], pair[1])
		}
	}
	if foldKey("from") == foldKey("to") {
		t.Error("different keys fold together")
	}
}

func TestParseChecksums(t *testing.T) {
	const sum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	tests := []struct {
		text, want string
		n          int
	}{
		{"", "", 0},
		{sum + "  a\n" + sum + "  b/c.md\n", "", 2},
		{sum + "  a", "", 1}, // no final newline
		{sum + "  a\n" + sum + "  a\n", "lists a twice", 0},
		{sum + "  a\n" + strings.Repeat("f", 70<<10) + "\n" + sum + "  b\n", "line 2 is not", 0},
		{sum + "  a\n" + sum + "  " + strings.Repeat("b", 70<<10) + "\n", "line 2: path is longer than", 0},
		{sum + "  a\r\n", "line 1: path contains control characters", 0},
		{strings.ToUpper(sum) + "  a\n", "line 1 is not", 0},
		{sum[:63] + "g  a\n", "line 1 is not", 0},
		{sum + " *a\n", "line 1 is not", 0},
		{sum + "  a\n\n", "line 2 is not", 0},
		{"\n", "line 1 is not", 0},
		{sum + "  ../a\n", "line 1: path is not local", 0},
		{sum + "  a b\n", "line 1: path contains ' '", 0},
		{sum + "  \xff\n", "is not UTF-8", 0},
	}
	for _, tc := range tests {
		got, err := ParseChecksums("SHA256SUMS", []byte(tc.text))
		switch {
		case tc.want == "" && (err != nil || len(got) != tc.n):
			t.Errorf("ParseChecksums(%.80q) = %d lines, %v; want %d", tc.text, len(got), err, tc.n)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid)):
			t.Errorf("ParseChecksums(%.80q) = %v, want an error saying %q", tc.text, err, tc.want)
		}
	}
}

// FuzzParseChecksums: whatever the text, no panic; what is accepted is lines
// of a digest and a bundle path, each name once, that write back to the text.
func FuzzParseChecksums(f *testing.F) {
	const sum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	for _, s := range []string{"", sum + "  a\n", sum + "  a/b\n" + sum + "  c", sum + "  a\r\n", sum + " *a\n", "\n\n", sum + "  a\n" + sum + "  a\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseChecksums("SHA256SUMS", data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		var b strings.Builder
		seen := map[string]bool{}
		for _, c := range got {
			if !isHexDigest(c.SHA256) || checkPath(c.Name) != nil || seen[c.Name] {
				t.Fatalf("accepted %+v", c)
			}
			seen[c.Name] = true
			b.WriteString(ChecksumLine(c.SHA256, c.Name))
		}
		if w := b.String(); w != string(data) && w != string(data)+"\n" {
			t.Fatalf("accepted %q, which reads as %q", data, w)
		}
	})
}

// FuzzDecodeStrict: whatever the text, no panic; what is accepted decodes to
// the same manifest as encoding/json reads it, and has one value, no
// duplicate keys.
func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{`{"schemaVersion": 1, "product": "atlas", "files": [{"path": "a", "size": 1, "sha256": "x"}]}`,
		`{"product": "a", "Product": "b"}`, `{"a": 1}{}`, `[]`, `{"files": [{"path": "a"}, {"path": "a"}]}`, `{"snapshot": true, "ſnapshot": false}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var strict Manifest
		if err := decodeStrict(data, &strict); err != nil {
			return
		}
		var lenient Manifest
		if err := json.Unmarshal(data, &lenient); err != nil {
			t.Fatalf("accepted what encoding/json refuses: %v", err)
		}
		if !reflect.DeepEqual(strict, lenient) {
			t.Fatalf("read %+v, but encoding/json reads %+v", strict, lenient)
		}
	})
}

// FuzzPathSet: whatever the paths, an accepted set is one that extracts
// without collisions anywhere: valid local paths, no two equal but for case,
// no file where a folder is needed.
func FuzzPathSet(f *testing.F) {
	f.Add("a/b", "A", "a", true)
	f.Add("runbook.md", "runbook.md/x", "RUNBOOK.MD", false)
	f.Add("x/../y", "nul.txt", "a.", false)
	f.Fuzz(func(t *testing.T, p1, p2, p3 string, dir bool) {
		s := newPathSet()
		var accepted []string
		for i, p := range []string{p1, p2, p3} {
			if checkPath(p) != nil {
				continue
			}
			if !fs.ValidPath(p) {
				t.Fatalf("checkPath accepted %q", p)
			}
			if s.add(p, dir && i == 1) == nil {
				accepted = append(accepted, p)
			}
		}
		isFile := func(p string) bool { return !dir || p != p2 }
		for i, a := range accepted {
			for _, b := range accepted[i+1:] {
				la, lb := strings.ToLower(a), strings.ToLower(b)
				if la == lb || strings.HasPrefix(lb, la+"/") && isFile(a) || strings.HasPrefix(la, lb+"/") && isFile(b) {
					t.Fatalf("accepted both %q and %q", a, b)
				}
			}
		}
	})
}
