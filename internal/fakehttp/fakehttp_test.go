package fakehttp

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestFaultsFireAsOftenAsAsked(t *testing.T) {
	var fs Faults[string]
	fs.Inject(Fault[string]{Kind: "boom", Method: "POST", PathPattern: "/articles$", Times: 2})
	fs.Inject(Fault[string]{Kind: "any", PathPattern: "^/locales"})
	post := httptest.NewRequest("POST", "/api/v2/help_center/articles", nil)
	get := httptest.NewRequest("GET", "/api/v2/help_center/articles", nil)
	if fs.Take(get) != nil {
		t.Error("a fault for POST fired on a GET")
	}
	if f := fs.Take(post); f == nil || f.Kind != "boom" {
		t.Errorf("first POST: %+v", f)
	}
	if fs.Pending() != 2 {
		t.Errorf("pending %d, want 2", fs.Pending())
	}
	fs.Take(post)
	if fs.Take(post) != nil {
		t.Error("a fault fired more often than asked")
	}
	if f := fs.Take(httptest.NewRequest("PUT", "/locales", nil)); f == nil || f.Kind != "any" {
		t.Errorf("a fault without a method: %+v", f)
	}
	fs.Inject(Fault[string]{PathPattern: "x"})
	fs.Clear()
	if fs.Pending() != 0 {
		t.Error("Clear left faults")
	}
}

func TestLogAndRecorder(t *testing.T) {
	var l Log
	l.Add(Request{Method: "GET"})
	l.Add(Request{Method: "POST", Write: true})
	if len(l.Requests()) != 2 || l.Writes() != 1 {
		t.Errorf("log %+v", l.Requests())
	}
	l.Reset()
	if len(l.Requests()) != 0 {
		t.Error("Reset kept requests")
	}
	var logged []int
	rec := NewRecorder(httptest.NewRecorder(), func(status int) { logged = append(logged, status) })
	WriteJSON(rec, http.StatusTeapot, map[string]int{"a": 1})
	rec.Answered()
	if !slices.Equal(logged, []int{http.StatusTeapot}) {
		t.Errorf("answer logged as %v, want once before it was sent", logged)
	}
	if rec.Status != http.StatusTeapot || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("recorder %d %v", rec.Status, rec.Header())
	}
}
