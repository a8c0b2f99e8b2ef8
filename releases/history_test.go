package releases

import (
	"bytes"
	"strings"
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
	f.Add([]byte("schemaVersion: 1\nversion: 4.3.0\nentries:\n  - customer: a\n    completion:\n      from: 4.1.0\n      outcome: partial\n      windows: [{started: \"2026-12-19T08:00:00+01:00\", finished: \"2026-12-19T09:00:00Z\"}]\n      note: \"x\"\n"))
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

// TestHistoryComplete records an outcome once; a different one replaces it,
// and what is recorded loads back the same.
func TestHistoryComplete(t *testing.T) {
	h := &History{SchemaVersion: 1, Version: "4.3.0"}
	c := Completion{From: "4.1.0", Outcome: OutcomeRolledBack, Note: "index: failed",
		Windows: []ActualWindow{{Started: "2026-12-19T08:00:00+01:00", Finished: "2026-12-19T11:30:00+01:00"}}}
	if !h.Complete("contoso", c) || h.Complete("contoso", c) {
		t.Fatal("the same completion twice")
	}
	c.Windows[0].Finished = "2026-12-19T11:40:00+01:00"
	if h.Entry("contoso").Completion.Windows[0].Finished != "2026-12-19T11:30:00+01:00" {
		t.Fatal("the history shares the caller's windows")
	}
	c.Outcome = OutcomeOK
	if !h.Complete("contoso", c) || h.Entry("contoso").Completion.Outcome != OutcomeOK || h.Entry("contoso").Completion.Windows[0].Minutes() != 220 {
		t.Fatalf("a new outcome replaces the old: %+v", h.Entry("contoso").Completion)
	}
	out, err := h.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	v := semver.MustParse("4.3.0")
	again, diags, err := LoadHistory(fstest.MapFS{HistoryFile(v): {Data: out}}, v)
	if err != nil || diags.Errors() > 0 || again.Entry("contoso").Completion.Note != "index: failed" {
		t.Fatalf("%s\n%v %v", out, err, diags)
	}
}

// TestCompletionCheck refuses what cannot have happened.
func TestCompletionCheck(t *testing.T) {
	w := func(s, f string) ActualWindow { return ActualWindow{Started: s, Finished: f} }
	ok := w("2026-12-19T08:00:00+01:00", "2026-12-19T09:00:00+01:00")
	for _, tc := range []struct {
		c    Completion
		want string
	}{
		{Completion{From: "4.1.0", Outcome: OutcomeOK, Windows: []ActualWindow{ok}}, ""},
		{Completion{From: "4.1.0", Outcome: "done", Windows: []ActualWindow{ok}}, "not one of"},
		{Completion{From: "four", Outcome: OutcomeOK, Windows: []ActualWindow{ok}}, "from:"},
		{Completion{From: "4.1.0", Outcome: OutcomeOK}, "no window"},
		{Completion{From: "4.1.0", Outcome: OutcomeOK, Windows: []ActualWindow{w("2026-12-19T08:00", "2026-12-19T09:00:00Z")}}, "is not a time"},
		{Completion{From: "4.1.0", Outcome: OutcomeOK, Windows: []ActualWindow{w("2026-12-19T08:00:00+01:00", "2026-12-19T07:00:00Z")}}, "before it started"},
		{Completion{From: "4.1.0", Outcome: OutcomeOK, Windows: []ActualWindow{ok, w("2026-12-19T08:30:00+01:00", "2026-12-19T10:00:00+01:00")}}, "before window 1 finished"},
		{Completion{From: "4.1.0", Outcome: OutcomeOK, Windows: []ActualWindow{ok}, HandsOnMinutes: -1}, "handsOnMinutes"},
	} {
		err := tc.c.Check()
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.c, err, tc.want)
		}
	}
}
