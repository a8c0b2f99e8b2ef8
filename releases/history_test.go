package releases

import (
	"bytes"
	"testing"
	"testing/fstest"

	"github.com/Masterminds/semver/v3"
)

// FuzzHistoryFile: whatever history/<version>.yaml holds, loading it never
// panics, and a history that loads is written back as the same history.
func FuzzHistoryFile(f *testing.F) {
	f.Add([]byte("schemaVersion: 1\nversion: 4.3.0\nentries:\n  - customer: contoso\n    approval: {ref: CAB-2291, date: 2026-11-20, window: 2026-12-19}\n"))
	f.Add(mustRead(f, "testdata/invalid/86-history-unknown-customer.yaml"))
	f.Add([]byte("schemaVersion: 1\nversion: 4.2.0\n"))
	f.Add([]byte("schemaVersion: 1\nversion: 4.3.0\nentries:\n  - customer: a\n  - customer: a\n"))
	f.Add([]byte("schemaVersion: 1\nversion: 4.3.0\nentries:\n  - customer: a\n    approval: {ref: \"\", date: x}\n"))
	v := semver.MustParse("4.3.0")
	f.Fuzz(func(t *testing.T, src []byte) {
		h, diags, err := LoadHistory(fstest.MapFS{HistoryFile(v): {Data: src}}, v)
		if err != nil || diags.Errors() > 0 {
			return
		}
		out, err := h.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, diags, err := LoadHistory(fstest.MapFS{HistoryFile(v): {Data: out}}, v)
		if err != nil || diags.Errors() > 0 {
			t.Fatalf("the history written does not load:\n%s\n%v %v", out, err, diags)
		}
		out2, _ := again.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\nvs\n%s", out, out2)
		}
	})
}

// TestHistoryApprove records an approval once, and a new reference or
// window replaces it.
func TestHistoryApprove(t *testing.T) {
	h := &History{SchemaVersion: 1, Version: "4.3.0"}
	a := Approval{Ref: "CAB-1", Date: NewDate(2026, 11, 30), Window: NewDate(2026, 12, 19)}
	if !h.Approve("northwind", a) || h.Approve("northwind", a) {
		t.Fatal("the same approval twice")
	}
	h.Approve("contoso", a)
	a.Window = NewDate(2026, 12, 12)
	if !h.Approve("northwind", a) || h.Entry("northwind").Approval.Window != a.Window {
		t.Fatal("a new window is a new approval")
	}
	out, err := h.Marshal()
	if err != nil || !bytes.Contains(out, []byte("  - customer: contoso\n    approval:\n      ref: CAB-1\n")) ||
		bytes.Index(out, []byte("contoso")) > bytes.Index(out, []byte("northwind")) {
		t.Errorf("%s %v", out, err)
	}
}
