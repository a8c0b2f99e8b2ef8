package upgrades

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/atlas-release/atlas-release/internal/golden"
)

// TestSetCustomerVersionGolden edits one entry's version in files written in
// every style people use: only that scalar changes, in its own quoting, and
// comments, order, blank lines and line endings stay.
func TestSetCustomerVersionGolden(t *testing.T) {
	for _, tc := range []struct{ file, customer string }{
		{"styles.yaml", "contoso"},   // plain, comment after it
		{"styles.yaml", "fabrikam"},  // double-quoted, before the id
		{"styles.yaml", "northwind"}, // single-quoted in a flow mapping after non-ASCII text
		{"styles.yaml", "adatum"},    // last line, no comment
		{"crlf.yaml", "contoso"},     // CRLF line endings
	} {
		t.Run(tc.file+"/"+tc.customer, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata/complete", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			out, changed, err := SetCustomerVersion(src, tc.customer, "4.3.0")
			if err != nil || !changed {
				t.Fatalf("changed %v, %v", changed, err)
			}
			golden.Check(t, filepath.Join("testdata/complete", strings.TrimSuffix(tc.file, ".yaml")+"-"+tc.customer+".golden"), out)
			// Only one line differs, and in it only the version.
			a, b := bytes.Split(src, []byte("\n")), bytes.Split(out, []byte("\n"))
			if len(a) != len(b) {
				t.Fatalf("%d lines became %d", len(a), len(b))
			}
			diff := 0
			for i := range a {
				if !bytes.Equal(a[i], b[i]) {
					diff++
					if !bytes.Equal(bytes.Replace(a[i], []byte("4.1.0"), []byte("4.3.0"), 1), b[i]) {
						t.Errorf("line %d: %q became %q", i+1, a[i], b[i])
					}
				}
			}
			if diff != 1 {
				t.Errorf("%d lines changed, want 1", diff)
			}
			again, changed, err := SetCustomerVersion(out, tc.customer, "4.3.0")
			if err != nil || changed || !bytes.Equal(again, out) {
				t.Errorf("second edit: changed %v, %v", changed, err)
			}
		})
	}
}

// TestSetCustomerVersionRefuses: what the edit cannot reproduce exactly is
// refused, never guessed at.
func TestSetCustomerVersionRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"no such customer":       {"customers:\n  - id: a\n    version: 4.1.0\n", "no customer zz"},
		"twice":                  {"customers:\n  - id: zz\n    version: 4.1.0\n  - id: zz\n    version: 4.2.0\n", "twice"},
		"block scalar":           {"customers:\n  - id: zz\n    version: |\n      4.1.0\n", "block scalar"},
		"escaped":                {"customers:\n  - id: zz\n    version: \"4.1\\x2e0\"\n", "not written as"},
		"folded plain":           {"customers:\n  - id: zz\n    version: 4.1.0\n      trailing\n", "not written as"},
		"no version, flow":       {"customers:\n  - {id: zz, name: Z}\n", "flow mapping"},
		"no version, eof":        {"customers:\n  - id: zz\n    name: Z", "without a line break"},
		"no version, name block": {"customers:\n  - id: zz\n    name: >\n      Z\n", "no one-line name"},
		"version a list":         {"customers:\n  - id: zz\n    version: [4.1.0]\n", "no version"},
		"not yaml":               {"customers: [\n", "customers.yaml"},
		"not a mapping":          {"- a\n", "not a mapping"},
		"no customers":           {"schemaVersion: 1\n", "no list of customers"},
		"alias":                  {"x: &v 4.1.0\ncustomers:\n  - id: zz\n    version: *v\n", "customers.yaml"},
	} {
		t.Run(name, func(t *testing.T) {
			out, _, err := SetCustomerVersion([]byte(tc.src), "zz", "4.3.0")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %q, %v; want an error with %q", out, err, tc.want)
			}
		})
	}
}

// TestSetCustomerVersionInserts: an entry without a version (a customer being
// implemented, now deployed) gains one line after its name, or its id,
// indented like its keys and ended like the file's lines.
func TestSetCustomerVersionInserts(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"after the name": {
			"customers:\n  - id: zz # new\n    name: Z Corp # being implemented\n    stage: implementation\n",
			"customers:\n  - id: zz # new\n    name: Z Corp # being implemented\n    version: 4.3.0\n    stage: implementation\n"},
		"after the id": {
			"customers:\n- id: zz\n  stage: implementation\n- id: yy\n  version: 4.2.0\n",
			"customers:\n- id: zz\n  version: 4.3.0\n  stage: implementation\n- id: yy\n  version: 4.2.0\n"},
		"crlf": {
			"customers:\r\n  - id: zz\r\n    name: Z\r\n",
			"customers:\r\n  - id: zz\r\n    name: Z\r\n    version: 4.3.0\r\n"},
	} {
		t.Run(name, func(t *testing.T) {
			out, changed, err := SetCustomerVersion([]byte(tc.src), "zz", "4.3.0")
			if err != nil || !changed || string(out) != tc.want {
				t.Fatalf("got %q, %v, %v; want %q", out, changed, err, tc.want)
			}
			if again, changed, err := SetCustomerVersion(out, "zz", "4.3.0"); err != nil || changed || !bytes.Equal(again, out) {
				t.Errorf("again: %q, %v, %v", again, changed, err)
			}
		})
	}
}

// FuzzSetCustomerVersion: whatever customers.yaml holds, the edit never
// panics, and an edit it makes changes only the version's bytes.
func FuzzSetCustomerVersion(f *testing.F) {
	for _, file := range []string{"styles.yaml", "crlf.yaml"} {
		src, err := os.ReadFile(filepath.Join("testdata/complete", file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, "contoso")
	}
	f.Add([]byte("customers:\n  - {id: zz, version: 4.1.0}\n"), "zz")
	f.Add([]byte("customers:\n  - id: zz\n    version: \"4.1.0\" # q\n"), "zz")
	f.Add([]byte("customers:\n  - id: zz\n    name: Z\n    stage: implementation\n"), "zz")
	f.Fuzz(func(t *testing.T, src []byte, customer string) {
		out, changed, err := SetCustomerVersion(src, customer, "9.9.9")
		if err != nil || !changed {
			return
		}
		n, err := customerVersionNode(out, customer)
		if err != nil || n.Value != "9.9.9" {
			t.Fatalf("edited into %q: %v", out, err)
		}
		if _, err := customerVersionNode(src, customer); err != nil {
			// Inserted: one line more, the rest as it was.
			if bytes.Count(out, []byte("\n")) != bytes.Count(src, []byte("\n"))+1 || !bytes.Contains(out, []byte("version: 9.9.9")) {
				t.Fatalf("inserted into %q: %q", src, out)
			}
			return
		}
		if d := len(out) - len(src); d != len("9.9.9")-len(mustVersionNode(t, src, customer).Value) {
			t.Fatalf("the edit changed %d bytes more than the version", d)
		}
	})
}

func mustVersionNode(t *testing.T, src []byte, customer string) *yaml.Node {
	t.Helper()
	n, err := customerVersionNode(src, customer)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
