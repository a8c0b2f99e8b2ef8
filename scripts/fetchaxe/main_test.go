package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func tgz(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for _, name := range []string{"package/package.json", member, "package/axe.js"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestExtractAndVerify: the member comes out of a tarball, a tarball without
// it is an error, and bytes other than the pinned tarball's fail the check.
func TestExtractAndVerify(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  string
		err   string
	}{
		{"axe.min.js among others", map[string]string{"package/package.json": "{}", member: "axe=1", "package/axe.js": "axe=2"}, "axe=1", ""},
		{"no axe.min.js", map[string]string{"package/axe.js": "axe=2"}, "", "no package/axe.min.js"},
	} {
		data := tgz(t, c.files)
		got, err := extract(data)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
		if err := verify(data); err == nil || !strings.Contains(err.Error(), "want the pinned") {
			t.Errorf("%s: a tarball other than the pinned one verifies: %v", c.name, err)
		}
	}
}
