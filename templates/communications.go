package templates

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/atlas-release/atlas-release/releases"
)

// The built-in templates of an upgrade's communications.
const (
	ChangeRequestMarkdown = "change-request.md.tmpl"
	AnnounceBefore        = "announcement-before.md.tmpl"
	AnnounceStart         = "announcement-start.md.tmpl"
	AnnounceEnd           = "announcement-end.md.tmpl"
)

// Announcements are the templates of the messages to users, in the order they
// are sent: before the window, at its start, at its end.
var Announcements = []string{AnnounceBefore, AnnounceStart, AnnounceEnd}

// Communications are what an upgrade needs besides its runbook: the change
// request that a change process asks for, and the announcements to users. The
// templates receive this value; the runbook's fields are its fields.
type Communications struct {
	*Runbook
	// Locale is the language of the texts.
	Locale string `json:"locale"`
	// Customer is set when the upgrade is scheduled for a customer.
	Customer *Customer `json:"customer,omitempty"`
	// Schedule says when each window is planned; nil when the date is still the
	// customer's to choose (in a bundle).
	Schedule *Schedule `json:"schedule,omitempty"`
	// Earliest is the first day the target may be installed: its release date
	// plus its lead time.
	Earliest string `json:"earliest"`
	// ChangeType is "normal" when any release on the path needs change
	// approval, else "standard".
	ChangeType string `json:"changeType"`
	// Freeze reports a content freeze in any window.
	Freeze bool `json:"freeze"`
	// Features are what users get, by type, from every release on the path.
	Features []FeatureGroup `json:"features"`
	// Backout lists the steps with rollback instructions, last first: the
	// order to undo them in.
	Backout []Step `json:"backout"`
	// NoRollback lists the steps that cannot be undone, with the reason.
	NoRollback []Step `json:"noRollback"`
	// Checks are the verification steps: the test plan.
	Checks []Step `json:"checks"`
	// BundleURL is where the runbook bundle is downloaded, when known.
	BundleURL string `json:"bundleUrl,omitempty"`
}

// Customer is the customer an upgrade is scheduled for.
type Customer struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Tenant        string `json:"tenant"`
	ChangeProcess string `json:"changeProcess"`
	Contact       string `json:"contact"`
	ContactEmail  string `json:"contactEmail"`
	// CABLeadTimeDays is how many days the customer's change board needs.
	CABLeadTimeDays int `json:"cabLeadTimeDays,omitempty"`
}

// Schedule is when an upgrade's windows are planned.
type Schedule struct {
	TimeZone string            `json:"timeZone"`
	Windows  []ScheduledWindow `json:"windows"`
}

// ScheduledWindow is one planned window, in the customer's time zone.
type ScheduledWindow struct {
	Hop  int    `json:"hop"`
	From string `json:"from"`
	To   string `json:"to"`
	// Date and Time are the local start (YYYY-MM-DD, HH:MM); EndDate and
	// EndTime the latest end, by the window's maximum.
	Date     string    `json:"date"`
	Time     string    `json:"time"`
	EndDate  string    `json:"endDate"`
	EndTime  string    `json:"endTime"`
	StartUTC time.Time `json:"startUtc"`
	EndUTC   time.Time `json:"endUtc"`
}

// CommsOptions shape an upgrade's communications.
type CommsOptions struct {
	Generator string
	Locale    string
	BundleURL string
	// Customer and Start schedule the upgrade: the first window starts at
	// Start, each next one a week later at the same local time.
	Customer *releases.Customer
	Start    time.Time
}

// HopSpacing is the time between the windows of a path with required stops.
const HopSpacing = 7 * 24 * time.Hour

// NewCommunications builds the communications of an upgrade path.
func NewCommunications(ws *releases.Workspace, p *releases.Path, o CommsOptions) *Communications {
	rb := NewRunbook(ws, p, o.Generator)
	c := &Communications{Runbook: rb, Locale: o.Locale, ChangeType: string(releases.StandardChange), Features: []FeatureGroup{},
		Backout: []Step{}, NoRollback: []Step{}, Checks: []Step{}, BundleURL: o.BundleURL}
	if c.Locale == "" {
		c.Locale = ws.Config.DefaultLocale()
	}
	target, _ := ws.Find(p.To)
	if target != nil {
		c.Earliest = target.ReleaseDate.AddDays(target.LeadTimeDays).String()
	}
	var path []*releases.Manifest
	for _, h := range p.Hops {
		path = append(path, h.Releases...)
		if h.Freeze.Decision != releases.FreezeNotNeeded {
			c.Freeze = true
		}
	}
	for _, m := range path {
		if m.ChangeType == releases.NormalChange {
			c.ChangeType = string(releases.NormalChange)
		}
	}
	for _, typ := range releases.FeatureTypes {
		g := FeatureGroup{Type: string(typ), Title: groupTitles[typ]}
		for _, m := range path {
			for _, f := range m.Features {
				if f.Type == typ && f.Audience != releases.AudienceInternal {
					g.Features = append(g.Features, Feature{ID: f.ID, Title: f.Title, Area: f.Area, Summary: f.Summary})
				}
			}
		}
		if len(g.Features) > 0 {
			c.Features = append(c.Features, g)
		}
	}
	for _, h := range rb.Hops {
		for _, s := range h.Steps {
			switch {
			case s.Rollback.Instructions != "":
				c.Backout = append(c.Backout, s)
			default:
				c.NoRollback = append(c.NoRollback, s)
			}
			if s.Kind == string(releases.KindVerification) {
				c.Checks = append(c.Checks, s)
			}
		}
	}
	slices.Reverse(c.Backout)
	if cu := o.Customer; cu != nil {
		c.Customer = &Customer{ID: cu.ID, Name: cu.Name, Tenant: cu.Tenant, ChangeProcess: string(cu.ChangeProcess),
			Contact: cu.Contact.Name, ContactEmail: cu.Contact.Email, CABLeadTimeDays: cu.CABLeadTimeDays}
	}
	if !o.Start.IsZero() {
		c.Schedule = &Schedule{TimeZone: o.Start.Location().String()}
		for i, h := range rb.Hops {
			start, end := WindowAt(o.Start, i, h.Window.MaxMinutes)
			c.Schedule.Windows = append(c.Schedule.Windows, ScheduledWindow{Hop: h.Number, From: h.From, To: h.To,
				Date: start.Format("2006-01-02"), Time: start.Format("15:04"), EndDate: end.Format("2006-01-02"), EndTime: end.Format("15:04"),
				StartUTC: start.UTC(), EndUTC: end.UTC()})
		}
	}
	return c
}

// WindowAt is the start and latest end of window i (from 0) of an upgrade
// whose first window starts at start: each next window a week later at the
// same local time (time.Location arithmetic, so across a change of daylight
// saving time too), each as long as its maximum.
func WindowAt(start time.Time, i, maxMinutes int) (time.Time, time.Time) {
	s := start.AddDate(0, 0, 7*i)
	return s, s.Add(time.Duration(maxMinutes) * time.Minute)
}

// Title names the upgrade (or the new deployment), for calendars and tickets.
func (c *Communications) Title() string {
	t := fmt.Sprintf("%s upgrade %s → %s", c.Product.Name, c.From, c.To)
	if c.Install {
		t = fmt.Sprintf("%s deployment %s", c.Product.Name, c.To)
	}
	if c.Customer != nil {
		t += " (" + c.Customer.Name + ")"
	}
	return t
}

// RenderCommunication renders one of the communications templates as Markdown,
// or as a help-center-safe HTML fragment.
func (s *Set) RenderCommunication(w io.Writer, name string, c *Communications, f Format) error {
	if f == JSON {
		return WriteJSON(w, c)
	}
	return s.renderDocument(w, name, c, f)
}

// Overrides reports whether the set has its own version of a built-in
// template (a locale's, or the workspace's).
func (s *Set) Overrides(name string) bool { return slices.Contains(s.Overridden, name) }

// CommunicationFile is one file of an upgrade's communications.
type CommunicationFile struct {
	Name string
	Data []byte
}

// RenderCommunications renders an upgrade's communications as files:
// change-request.md, the announcements (announcement-before.md, …) and the
// calendar. With announcementsOnly, only the announcements: a locale's
// translation of what users read.
func (s *Set) RenderCommunications(c *Communications, announcementsOnly bool) ([]CommunicationFile, error) {
	names := Announcements
	if !announcementsOnly {
		names = append([]string{ChangeRequestMarkdown}, Announcements...)
	}
	var out []CommunicationFile
	for _, name := range names {
		var b bytes.Buffer
		if err := s.RenderCommunication(&b, name, c, Markdown); err != nil {
			return nil, err
		}
		out = append(out, CommunicationFile{Name: strings.TrimSuffix(name, ".tmpl"), Data: b.Bytes()})
	}
	if !announcementsOnly {
		var b bytes.Buffer
		if err := WriteCalendar(&b, c); err != nil {
			return nil, err
		}
		out = append(out, CommunicationFile{Name: CalendarFile, Data: b.Bytes()})
	}
	return out, nil
}

// TranslatesAnnouncements reports whether a locale's set has its own
// announcements.
func (s *Set) TranslatesAnnouncements() bool {
	return slices.ContainsFunc(Announcements, s.Overrides)
}

// LocalizedAnnouncements renders a path's announcements in a locale other than
// the default: ok is false when the locale has no announcements of its own or
// does not translate every release of the path (a half-translated message is
// worse than one in the default language).
func LocalizedAnnouncements(ws *releases.Workspace, p *releases.Path, locale string, o CommsOptions) (files []CommunicationFile, ok bool, err error) {
	l, ok, err := localize(ws, p, locale, (*Set).TranslatesAnnouncements)
	if err != nil || !ok {
		return nil, false, err
	}
	o.Locale = locale
	files, err = l.set.RenderCommunications(NewCommunications(l.ws, l.path, o), true)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", l.dir, err)
	}
	return files, true, nil
}

// localized is a path in a locale's words, with the locale's templates.
type localized struct {
	set  *Set
	ws   *releases.Workspace
	path *releases.Path
	dir  string
}

// localize prepares a path for rendering in a locale other than the default;
// ok is false when the locale does not translate every release of the path or
// its templates do not translate the message (translates says).
func localize(ws *releases.Workspace, p *releases.Path, locale string, translates func(*Set) bool) (*localized, bool, error) {
	t := ws.Translation(locale)
	if locale == ws.Config.DefaultLocale() || t == nil || t.Language == nil {
		return nil, false, nil
	}
	for _, h := range p.Hops {
		for _, m := range h.Releases {
			if t.Release(m.SemVer()) == nil {
				return nil, false, nil
			}
		}
	}
	set, err := LoadLocale(ws.FS, t)
	if err != nil {
		return nil, false, err
	}
	if !translates(set) {
		return nil, false, nil
	}
	lws, err := ws.Localized(locale)
	if err != nil {
		return nil, false, err
	}
	lp, err := lws.Plan(p.From, p.To)
	if err != nil {
		return nil, false, err
	}
	return &localized{set: set, ws: lws, path: lp, dir: t.TemplatesDir()}, true, nil
}

// Roster is one standby engineer's windows in a rollout.
type Roster struct {
	Engineer string `json:"engineer"`
	Email    string `json:"email"`
	TimeZone string `json:"timeZone"`
	// Product and To name the release rolled out.
	Product string `json:"-"`
	To      string `json:"-"`
	// Stamp is the calendar's DTSTAMP: a date of the release, so that the
	// same plan is always the same bytes.
	Stamp   time.Time      `json:"-"`
	Windows []RosterWindow `json:"windows"`
}

// RosterWindow is one window an engineer is on standby for.
type RosterWindow struct {
	Customer string `json:"customer"`
	Name     string `json:"name"`
	Ring     int    `json:"ring"`
	Hop      int    `json:"hop"`
	// From is empty for a new deployment.
	From      string    `json:"from"`
	To        string    `json:"to"`
	StartUTC  time.Time `json:"startUtc"`
	EndUTC    time.Time `json:"endUtc"`
	Tentative bool      `json:"tentative,omitempty"`
}

// RosterFile names an engineer's iCalendar roster.
func RosterFile(email string) string {
	name, _, _ := strings.Cut(email, "@")
	return "standby-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return '-'
	}, name) + ".ics"
}

// WriteRoster writes an engineer's standby windows as an iCalendar (RFC 5545)
// file with the same writer as an upgrade's calendar: one event per window, in
// UTC, tentative while the slot is (a change board's approval or an earlier
// ring pending). UIDs name the customer, release and window, so that a
// calendar that imports the file again moves events instead of adding them.
func WriteRoster(w io.Writer, r *Roster) error {
	bw := bufio.NewWriter(w)
	cw := &icsWriter{w: bw}
	cw.line("BEGIN:VCALENDAR")
	cw.line("VERSION:2.0")
	cw.line("PRODID:-//atlas-release//" + text(r.Product) + " standby roster//EN")
	cw.line("CALSCALE:GREGORIAN")
	cw.line("METHOD:PUBLISH")
	cw.line("X-WR-CALNAME:" + text(fmt.Sprintf("%s %s standby: %s", r.Product, r.To, r.Engineer)))
	for _, win := range r.Windows {
		status := "CONFIRMED"
		if win.Tentative {
			status = "TENTATIVE"
		}
		// A window without a version to start from is a new deployment.
		summary := fmt.Sprintf("Standby: %s upgrade of %s to %s", r.Product, win.Name, win.To)
		what := fmt.Sprintf("window %d, %s → %s", win.Hop, win.From, win.To)
		if win.From == "" {
			summary = fmt.Sprintf("Standby: %s deployment of %s on %s", r.Product, win.To, win.Name)
			what = "new deployment of " + win.To
		}
		cw.line("BEGIN:VEVENT")
		cw.line("UID:" + text(fmt.Sprintf("%s-%s-standby-%s-window-%d", strings.ToLower(r.Product), r.To, win.Customer, win.Hop)) + "@atlas-release")
		cw.line("DTSTAMP:" + r.Stamp.UTC().Format("20060102T150405Z"))
		cw.line("DTSTART:" + win.StartUTC.UTC().Format("20060102T150405Z"))
		cw.line("DTEND:" + win.EndUTC.UTC().Format("20060102T150405Z"))
		cw.line("SUMMARY:" + text(summary))
		cw.line("DESCRIPTION:" + text(fmt.Sprintf("%s (%s, ring %d): %s. On standby: %s <%s>.", win.Name, win.Customer, win.Ring, what, r.Engineer, r.Email)))
		cw.line("CATEGORIES:STANDBY")
		cw.line("STATUS:" + status)
		cw.line("TRANSP:OPAQUE")
		cw.line("END:VEVENT")
	}
	cw.line("END:VCALENDAR")
	return bw.Flush()
}

// EngagementMarkdown is the template of the message to a customer's
// vendor-side owner once a release is out (upgrades announce). Its first line,
// a "# Title" heading, is the ticket's subject.
const EngagementMarkdown = "engagement.md.tmpl"

// Engagement is the message to a customer's vendor-side owner (implementation
// lead or customer success agent, by stage) after the townhall: what is new,
// the townhall's recording and slides, what the customer's path takes, the
// slots proposed for it, and what to offer. The communications' fields are
// its fields; Customer is always set.
type Engagement struct {
	*Communications
	// Stage is the customer's stage (implementation or bau), and OwnerRole the
	// owner's role by it: "implementation lead" or "customer success agent".
	Stage     string `json:"stage"`
	OwnerRole string `json:"ownerRole"`
	// TechnicalOwner and GlobalAdmin are the customer's people, when known.
	TechnicalOwner *Person `json:"technicalOwner,omitempty"`
	GlobalAdmin    *Person `json:"globalAdmin,omitempty"`
	// NotesURL links to the target's release notes; empty when no link is
	// known (the notes are release-notes.md in the bundle).
	NotesURL string `json:"notesUrl,omitempty"`
	// Townhall is the target's presentation to customers, if it had one.
	Townhall *Townhall `json:"townhall,omitempty"`
	// Major reports a major release on the path: a pre-upgrade call is booked
	// before any date is agreed.
	Major bool `json:"major"`
	// Slots are the windows proposed, earliest first; NoSlots says why there
	// are none.
	Slots   []ProposedSlot `json:"slots"`
	NoSlots string         `json:"noSlots,omitempty"`
}

// Person is someone to contact.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// ProposedSlot is one slot the rollout could give the customer.
type ProposedSlot struct {
	TimeZone string            `json:"timeZone"`
	Windows  []ScheduledWindow `json:"windows"`
	// Engineer is the vendor's engineer on standby.
	Engineer string `json:"engineer"`
	// Waiting: the slot rests on earlier rings completing as planned.
	Waiting bool `json:"waiting,omitempty"`
	// RequestBy is, for a change board that has not approved yet, the last
	// day the change request can reach it for this slot.
	RequestBy string `json:"requestBy,omitempty"`
}

// EngagementOptions shape an engagement message.
type EngagementOptions struct {
	// CommsOptions name the customer (required); Start is unused.
	CommsOptions
	NotesURL string
	Slots    []ProposedSlot
	NoSlots  string
}

// NewEngagement builds the message to the owner of o.Customer about its path
// p.
func NewEngagement(ws *releases.Workspace, p *releases.Path, o EngagementOptions) *Engagement {
	o.Start = time.Time{}
	c := NewCommunications(ws, p, o.CommsOptions)
	cu := o.Customer
	e := &Engagement{Communications: c, Stage: string(cu.Stage), OwnerRole: cu.Stage.OwnerRole(), NotesURL: o.NotesURL,
		Slots: append([]ProposedSlot{}, o.Slots...), NoSlots: o.NoSlots}
	if cu.TechnicalOwner != nil {
		e.TechnicalOwner = &Person{Name: cu.TechnicalOwner.Name, Email: cu.TechnicalOwner.Email}
	}
	if cu.GlobalAdmin != nil {
		e.GlobalAdmin = &Person{Name: cu.GlobalAdmin.Name, Email: cu.GlobalAdmin.Email}
	}
	if target, ok := ws.Find(p.To); ok && target.Townhall != nil {
		t := target.Townhall
		e.Townhall = &Townhall{Date: t.Date.String(), Recording: t.Recording, Slides: t.Slides}
	}
	for _, r := range c.Releases {
		e.Major = e.Major || r.Kind == string(releases.Major)
	}
	return e
}

// Message is a message rendered for a ticket: its subject (the template's
// "# Title" heading), the Markdown as rendered and the help-center-safe HTML
// of the rest.
type Message struct {
	Subject  string
	Markdown []byte
	HTML     string
}

// RenderEngagement renders an engagement message.
func (s *Set) RenderEngagement(e *Engagement) (Message, error) {
	var md bytes.Buffer
	if err := s.execute(&md, EngagementMarkdown, e); err != nil {
		return Message{}, err
	}
	a, err := s.article(EngagementMarkdown, e)
	if err != nil {
		return Message{}, err
	}
	return Message{Subject: a.Title, Markdown: md.Bytes(), HTML: a.Body}, nil
}

// LocalizedEngagement renders the engagement message of a path in a locale
// other than the default, by the same rule as LocalizedAnnouncements: ok is
// false when the locale's templates have no engagement.md.tmpl or it does not
// translate every release of the path.
func LocalizedEngagement(ws *releases.Workspace, p *releases.Path, locale string, o EngagementOptions) (Message, bool, error) {
	l, ok, err := localize(ws, p, locale, func(s *Set) bool { return s.Overrides(EngagementMarkdown) })
	if err != nil || !ok {
		return Message{}, false, err
	}
	o.Locale = locale
	m, err := l.set.RenderEngagement(NewEngagement(l.ws, l.path, o))
	if err != nil {
		return Message{}, false, fmt.Errorf("%s: %w", l.dir, err)
	}
	return m, true, nil
}
