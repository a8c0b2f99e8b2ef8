package templates

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// CalendarFile names an upgrade's iCalendar file.
const CalendarFile = "maintenance-window.ics"

// defaultStart is the local time a window starts at when no customer chose one.
const defaultStart = 8 * time.Hour

// WriteCalendar writes an upgrade's windows as an iCalendar (RFC 5545) file, one
// event per window. A scheduled upgrade's events are confirmed and in UTC; a
// bundle's are tentative, in floating local time, on the first day the release
// may be installed (a week apart when there are several), for the
// administrator to move to the planned date. The output depends only on its
// input: DTSTAMP is the target's earliest day.
func WriteCalendar(w io.Writer, c *Communications) error {
	earliest, err := time.Parse("2006-01-02", c.Earliest)
	if err != nil {
		return fmt.Errorf("calendar: no earliest date for %s", c.To)
	}
	bw := bufio.NewWriter(w)
	cw := &icsWriter{w: bw}
	cw.line("BEGIN:VCALENDAR")
	cw.line("VERSION:2.0")
	cw.line("PRODID:-//atlas-release//" + text(c.Product.Name) + " upgrades//EN")
	cw.line("CALSCALE:GREGORIAN")
	cw.line("METHOD:PUBLISH")
	for i, h := range c.Hops {
		uid := fmt.Sprintf("%s-window-%d", c.Bundle, h.Number)
		var start, end string
		status := "TENTATIVE"
		if c.Schedule != nil && i < len(c.Schedule.Windows) {
			sw := c.Schedule.Windows[i]
			start, end = sw.StartUTC.Format("20060102T150405Z"), sw.EndUTC.Format("20060102T150405Z")
			status = "CONFIRMED"
			uid += "-" + c.Customer.ID + "-" + sw.StartUTC.Format("20060102")
		} else {
			s := earliest.Add(defaultStart).AddDate(0, 0, 7*i)
			start = s.Format("20060102T150405")
			end = s.Add(time.Duration(h.Window.MaxMinutes) * time.Minute).Format("20060102T150405")
		}
		summary := c.Title()
		if len(c.Hops) > 1 {
			summary += fmt.Sprintf(", window %d of %d (%s → %s)", h.Number, len(c.Hops), h.From, h.To)
		}
		cw.line("BEGIN:VEVENT")
		cw.line("UID:" + text(uid) + "@atlas-release")
		cw.line("DTSTAMP:" + earliest.Format("20060102T150405Z"))
		cw.line("DTSTART:" + start)
		cw.line("DTEND:" + end)
		cw.line("SUMMARY:" + text(summary))
		cw.line("DESCRIPTION:" + text(describe(c, &h, status == "TENTATIVE")))
		if c.Customer != nil {
			cw.line("LOCATION:" + text("Microsoft 365 tenant "+c.Customer.Tenant))
		}
		cw.line("CATEGORIES:MAINTENANCE")
		cw.line("STATUS:" + status)
		cw.line("TRANSP:OPAQUE")
		cw.line("BEGIN:VALARM")
		cw.line("ACTION:DISPLAY")
		cw.line("DESCRIPTION:" + text(summary))
		cw.line("TRIGGER:-P1D")
		cw.line("END:VALARM")
		cw.line("END:VEVENT")
	}
	cw.line("END:VCALENDAR")
	return bw.Flush()
}

// describe is an event's description: what the window takes.
func describe(c *Communications, h *Hop, tentative bool) string {
	var b strings.Builder
	if c.Install {
		fmt.Fprintf(&b, "Deploy %s %s on a new tenant.\n", c.Product.Name, h.To)
	} else {
		fmt.Fprintf(&b, "Upgrade %s from %s to %s.\n", c.Product.Name, h.From, h.To)
	}
	fmt.Fprintf(&b, "Window: %s expected, %s at most.\n", Minutes(h.Window.EstimateMinutes), Minutes(h.Window.MaxMinutes))
	var people []string
	for _, p := range h.Presence {
		people = append(people, p.Name)
	}
	if len(people) > 0 {
		fmt.Fprintf(&b, "People: %s.\n", strings.Join(people, ", "))
	}
	if n := len(h.GlobalAdmin); n > 0 {
		fmt.Fprintf(&b, "Global Administrator: %s (one PIM activation each).\n", plural(n, "block"))
	}
	for _, o := range h.Outages {
		fmt.Fprintf(&b, "Offline: %s, %d-%d minutes.\n", o.Name, o.MinMinutes, o.MaxMinutes)
	}
	if h.ContentFreeze.Decision != "not-needed" {
		fmt.Fprintf(&b, "Content freeze: %s.\n", h.ContentFreeze.Decision)
	}
	fmt.Fprintf(&b, "Runbook: %s.tar.gz", c.Bundle)
	if c.BundleURL != "" {
		fmt.Fprintf(&b, " (%s)", c.BundleURL)
	}
	b.WriteString(".")
	if tentative {
		fmt.Fprintf(&b, "\nMove this event to the planned date (not before %s).", c.Earliest)
	}
	return b.String()
}

// text escapes an iCalendar TEXT value.
func text(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// icsWriter writes content lines, folded at 75 octets without splitting a
// character, each ended by CRLF.
type icsWriter struct{ w *bufio.Writer }

func (cw *icsWriter) line(s string) {
	const limit = 75
	first := true
	for len(s) > 0 {
		max := limit
		if !first {
			max = limit - 1 // the leading space counts
		}
		n := len(s)
		if n > max {
			n = max
			for n > 0 && !utf8.RuneStart(s[n]) {
				n--
			}
		}
		if !first {
			cw.w.WriteByte(' ')
		}
		cw.w.WriteString(s[:n])
		cw.w.WriteString("\r\n")
		s = s[n:]
		first = false
	}
}
