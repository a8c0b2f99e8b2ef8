package templates_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"github.com/atlas-release/atlas-release/internal/golden"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// communications renders every communication of a path: the change request
// and the announcements in Markdown, and the calendar.
func communications(t *testing.T, set *templates.Set, c *templates.Communications) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range append([]string{templates.ChangeRequestMarkdown}, templates.Announcements...) {
		var b bytes.Buffer
		if err := set.RenderCommunication(&b, name, c, templates.Markdown); err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(name, ".tmpl")] = b.Bytes()
	}
	var ics bytes.Buffer
	if err := templates.WriteCalendar(&ics, c); err != nil {
		t.Fatal(err)
	}
	out[templates.CalendarFile] = ics.Bytes()
	return out
}

// TestCommunicationsGolden renders the communications of every path to 4.3,
// as a bundle has them (unscheduled), and of Contoso's scheduled upgrade.
func TestCommunicationsGolden(t *testing.T) {
	ws, set := example(t)
	for _, from := range []string{"4.0.0", "4.1.0", "4.2.0"} {
		p, err := ws.Plan(mustVersion(t, from), mustVersion(t, "4.3.0"))
		if err != nil {
			t.Fatal(err)
		}
		c := templates.NewCommunications(ws, p, templates.CommsOptions{Generator: "atlas-release test"})
		for name, b := range communications(t, set, c) {
			golden.Check(t, filepath.Join("testdata", "golden", "communications", fmt.Sprintf("%s-to-4.3.0", from), name), b)
		}
	}
	contoso := ws.Customers.Customer("contoso")
	start, err := contoso.Window.StartOn(releases.NewDate(2026, 12, 5))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ws.Plan(mustVersion(t, "4.1.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	c := templates.NewCommunications(ws, p, templates.CommsOptions{Generator: "atlas-release test", Customer: contoso, Start: start,
		BundleURL: "https://github.com/atlas-workplace/atlas-runbooks/releases/download/v4.3.0/atlas-4.3.0-from-4.1.0.tar.gz"})
	for name, b := range communications(t, set, c) {
		golden.Check(t, filepath.Join("testdata", "golden", "communications", "contoso-4.1.0-to-4.3.0", name), b)
	}
	// German announcements, from the example's own templates, unscheduled and
	// scheduled.
	de, err := ws.Localized("de")
	if err != nil {
		t.Fatal(err)
	}
	deSet, err := templates.LoadLocale(ws.FS, ws.Translation("de"))
	if err != nil {
		t.Fatal(err)
	}
	if !deSet.TranslatesAnnouncements() {
		t.Fatal("the example's German templates do not translate the announcements")
	}
	dp, err := de.Plan(mustVersion(t, "4.2.0"), mustVersion(t, "4.3.0"))
	if err != nil {
		t.Fatal(err)
	}
	for _, start := range []time.Time{{}, time.Date(2026, 12, 5, 8, 0, 0, 0, mustZone(t, "Europe/Berlin"))} {
		o := templates.CommsOptions{Locale: "de", Start: start}
		dir := "de-4.2.0-to-4.3.0"
		if !start.IsZero() {
			o.Customer, dir = ws.Customers.Customer("contoso"), "de-contoso-4.2.0-to-4.3.0"
		}
		files, err := deSet.RenderCommunications(templates.NewCommunications(de, dp, o), true)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(templates.Announcements) {
			t.Fatalf("%d German files", len(files))
		}
		for _, f := range files {
			golden.Check(t, filepath.Join("testdata", "golden", "communications", dir, f.Name), f.Data)
		}
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestCalendarParses reads the calendars with an independent iCalendar parser
// and checks what a calendar application would show.
func TestCalendarParses(t *testing.T) {
	ws, _ := example(t)
	for _, tc := range []struct {
		from      string
		customer  string
		wantStart time.Time
		events    int
	}{
		{from: "4.0.0", events: 1, wantStart: time.Date(2023, 5, 29, 8, 0, 0, 0, time.Local)},
		{from: "4.1.0", customer: "contoso", events: 1, wantStart: time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC)},
		{from: "4.2.0", customer: "fabrikam", events: 1, wantStart: time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC)},
	} {
		p, err := ws.Plan(mustVersion(t, tc.from), mustVersion(t, "4.3.0"))
		if err != nil {
			t.Fatal(err)
		}
		o := templates.CommsOptions{}
		if tc.customer != "" {
			o.Customer = ws.Customers.Customer(tc.customer)
			day := releases.NewDate(2026, 12, 5)
			if tc.customer == "fabrikam" {
				day = releases.NewDate(2026, 12, 8)
			}
			if o.Start, err = o.Customer.Window.StartOn(day); err != nil {
				t.Fatal(err)
			}
		}
		c := templates.NewCommunications(ws, p, o)
		var b bytes.Buffer
		if err := templates.WriteCalendar(&b, c); err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
			if len(line) > 75 {
				t.Errorf("line %d is %d octets long", i+1, len(line))
			}
		}
		cal, err := ical.NewDecoder(&b).Decode()
		if err != nil {
			t.Fatalf("%s: the parser refuses the calendar: %v", tc.from, err)
		}
		events := cal.Events()
		if len(events) != tc.events {
			t.Fatalf("%d events, want %d", len(events), tc.events)
		}
		ev := events[0]
		for _, prop := range []string{ical.PropUID, ical.PropDateTimeStamp, ical.PropDateTimeStart, ical.PropDateTimeEnd, ical.PropSummary} {
			if ev.Props.Get(prop) == nil {
				t.Errorf("no %s", prop)
			}
		}
		start, err := ev.DateTimeStart(time.Local)
		if err != nil {
			t.Fatal(err)
		}
		if !start.Equal(tc.wantStart) {
			t.Errorf("%s: starts %s, want %s", tc.from, start, tc.wantStart)
		}
		end, _ := ev.DateTimeEnd(time.Local)
		if got := end.Sub(start); got != time.Duration(c.Total.Window.MaxMinutes)*time.Minute {
			t.Errorf("lasts %s, want the window's maximum", got)
		}
		desc, _ := ev.Props.Text(ical.PropDescription)
		if !strings.Contains(desc, "Runbook: "+c.Bundle) || !strings.Contains(desc, "Offline: Atlas ConneX") {
			t.Errorf("description %q", desc)
		}
	}
}
