package templates

import (
	"errors"
	"fmt"
	"io"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
)

// NotesSchemaVersion is the version of the notes' JSON form.
const NotesSchemaVersion = 1

// Notes are the release notes of one version, as the templates receive them.
type Notes struct {
	SchemaVersion int     `json:"schemaVersion"`
	Generator     string  `json:"generator"`
	Product       Product `json:"product"`
	Release
	Townhall *Townhall `json:"townhall,omitempty"`
	// LeadTimeDays is the notice customers get before they can upgrade.
	LeadTimeDays int `json:"leadTimeDays"`
	// Groups are the customer-facing features by type, in the order notes
	// present them; empty groups are left out.
	Groups        []FeatureGroup `json:"groups"`
	Outages       []Outage       `json:"outages"`
	ContentFreeze Decision       `json:"contentFreeze"`
	// Prerequisites customers must complete before upgrading.
	Prerequisites []Prerequisite `json:"prerequisites"`
	KnownIssues   []KnownIssue   `json:"knownIssues"`
	// Upgrade describes upgrading from the previous version, when there is one.
	Upgrade *UpgradeFacts `json:"upgrade,omitempty"`
	// Install describes a new deployment at this version, with the install
	// bundle; nil when the release has no install procedure.
	Install *InstallFacts `json:"install,omitempty"`
	// First is set for the first release of the workspace when it has an
	// install procedure: there is nothing to upgrade from, so the notes speak
	// of deploying it, not of upgrading.
	First bool `json:"first,omitempty"`
	// GuideFile is the file name of the same release's upgrade guide in the
	// same locale (cut.DocumentFile), which the notes link to: set when the
	// notes are rendered next to the guide (a cut, a bundle folder), where the
	// relative link works; publish points it at the guide's article. Empty:
	// no guide beside the notes, no link. Not part of the JSON form, whose
	// readers have no such folder.
	GuideFile string `json:"-"`
}

// Townhall is the presentation of a release.
type Townhall struct {
	Date      string `json:"date"`
	Recording string `json:"recording,omitempty"`
	Slides    string `json:"slides,omitempty"`
}

// FeatureGroup is the features of one type.
type FeatureGroup struct {
	Type     string    `json:"type"`
	Title    string    `json:"title"`
	Features []Feature `json:"features"`
}

// Feature is a release-note entry.
type Feature struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Area  string `json:"area,omitempty"`
	// Summary is Markdown.
	Summary string `json:"summary"`
	Links   []Link `json:"links,omitempty"`
}

// Link is a titled URL.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// Decision is a content-freeze decision and its reason.
type Decision struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason,omitempty"`
}

// KnownIssue is a problem customers may meet after upgrading.
type KnownIssue struct {
	Title      string `json:"title"`
	Details    string `json:"details"`
	Workaround string `json:"workaround,omitempty"`
}

// UpgradeFacts summarise the upgrade from the previous version.
type UpgradeFacts struct {
	From              string   `json:"from"`
	HandsOnMinutes    int      `json:"handsOnMinutes"`
	Window            Window   `json:"window"`
	GlobalAdminBlocks int      `json:"globalAdminBlocks"`
	RolesInvolved     []string `json:"rolesInvolved"`
}

// InstallFacts summarise a new deployment at the version: what its install
// bundle takes.
type InstallFacts struct {
	// Bundle is the install bundle's file name.
	Bundle string `json:"bundle"`
	// Base is the release whose install procedure the deployment starts from.
	Base              string   `json:"base"`
	HandsOnMinutes    int      `json:"handsOnMinutes"`
	Window            Window   `json:"window"`
	GlobalAdminBlocks int      `json:"globalAdminBlocks"`
	RolesInvolved     []string `json:"rolesInvolved"`
	// Prerequisites are what a new customer completes before the deployment.
	Prerequisites []Prerequisite `json:"prerequisites"`
}

// groupTitles name the feature types in release notes.
var groupTitles = map[releases.FeatureType]string{
	releases.FeatureNew:           "New",
	releases.FeatureImproved:      "Improved",
	releases.FeatureFixed:         "Fixed",
	releases.FeatureSecurity:      "Security",
	releases.FeatureConfiguration: "Configuration changes",
	releases.FeatureDeprecated:    "Deprecated",
	releases.FeatureRemoved:       "Removed",
}

// NewNotes builds the release notes of version v. Internal features are left out.
func NewNotes(ws *releases.Workspace, v *semver.Version, generator string) (*Notes, error) {
	m, err := ws.Release(v)
	if err != nil {
		return nil, err
	}
	cfg := ws.Config
	n := &Notes{
		SchemaVersion: NotesSchemaVersion, Generator: generator, Product: productOf(cfg), Release: releaseOf(m),
		LeadTimeDays: m.LeadTimeDays, Groups: []FeatureGroup{}, Outages: []Outage{}, Prerequisites: []Prerequisite{},
		KnownIssues: []KnownIssue{}, ContentFreeze: Decision{Decision: string(m.Freeze())},
	}
	if m.ContentFreeze != nil {
		n.ContentFreeze.Reason = m.ContentFreeze.Reason
	}
	if t := m.Townhall; t != nil {
		n.Townhall = &Townhall{Date: t.Date.String(), Recording: t.Recording, Slides: t.Slides}
	}
	for _, typ := range releases.FeatureTypes {
		g := FeatureGroup{Type: string(typ), Title: groupTitles[typ]}
		for _, f := range m.Features {
			if f.Type != typ || f.Audience == releases.AudienceInternal {
				continue
			}
			feature := Feature{ID: f.ID, Title: f.Title, Area: f.Area, Summary: f.Summary}
			for _, l := range f.Links {
				feature.Links = append(feature.Links, Link{Title: l.Title, URL: l.URL})
			}
			g.Features = append(g.Features, feature)
		}
		if len(g.Features) > 0 {
			n.Groups = append(n.Groups, g)
		}
	}
	for _, o := range m.Outages {
		n.Outages = append(n.Outages, Outage{Feature: o.Feature, Name: featureName(cfg, o.Feature), MinMinutes: o.MinMinutes,
			MaxMinutes: o.MaxMinutes, CausedBy: o.CausedBy, Messages: []string{o.UserMessage}})
	}
	for _, p := range m.Prerequisites {
		n.Prerequisites = append(n.Prerequisites, Prerequisite{ID: p.ID, Version: v.String(), Before: v.String(), Title: p.Title,
			Role: p.Role, RoleName: roleName(cfg, p.Role), EffortMinutes: p.EffortMinutes, LeadTimeDays: p.LeadTimeDays,
			Details: p.Details, Verify: p.Verify, Blocking: p.Blocking})
	}
	for _, k := range m.KnownIssues {
		n.KnownIssues = append(n.KnownIssues, KnownIssue{Title: k.Title, Details: k.Details, Workaround: k.Workaround})
	}
	if prev := ws.Previous(v); prev != nil {
		if p, err := ws.Plan(prev.SemVer(), v); err == nil {
			up := &UpgradeFacts{From: prev.SemVer().String(), HandsOnMinutes: p.Total.HandsOnMinutes, RolesInvolved: []string{},
				Window: Window{p.Total.Window.EstimateMinutes, p.Total.Window.MaxMinutes}, GlobalAdminBlocks: len(p.Total.GABlocks)}
			for _, rm := range p.Total.HandsOn {
				up.RolesInvolved = append(up.RolesInvolved, rm.Role.Name)
			}
			n.Upgrade = up
		}
	}
	install, err := ws.InstallPlan(v)
	switch {
	case errors.Is(err, releases.ErrNoInstall):
	case err != nil:
		return nil, err
	default:
		rb := NewRunbook(ws, install, generator)
		f := installFiguresOf(install)
		n.Install = &InstallFacts{Bundle: rb.Bundle + ".tar.gz", Base: install.Base.String(), HandsOnMinutes: f.handsOn,
			Window: f.window, GlobalAdminBlocks: f.gaBlocks, RolesInvolved: f.roles, Prerequisites: rb.Prerequisites}
		n.First = ws.Previous(v) == nil
	}
	return n, nil
}

// RenderNotes writes the notes as Markdown, as a ZenDesk-safe HTML fragment (the
// Markdown converted by goldmark, so both always say the same, without the title,
// which a Help Center article carries separately), or as JSON.
func (s *Set) RenderNotes(w io.Writer, n *Notes, f Format) error {
	return s.renderDocument(w, NotesMarkdown, n, f)
}

// withoutTitle drops a leading "# Title" line from a Markdown document.
func withoutTitle(md []byte) []byte {
	_, rest, _ := SplitTitle(md)
	return rest
}

// Title is the notes' title, as the Markdown form's first heading says it.
func (n *Notes) Title() string { return fmt.Sprintf("%s %s release notes", n.Product.Name, n.Version) }

// installFigures are what the notes and the guide say of a deployment: its
// effort, its window, its Global Administrator blocks and the roles involved
// (in catalogue order), from one composition of the install procedure.
type installFigures struct {
	handsOn  int
	window   Window
	gaBlocks int
	roles    []string
}

func installFiguresOf(install *releases.Path) installFigures {
	f := installFigures{handsOn: install.Total.HandsOnMinutes, gaBlocks: len(install.Total.GABlocks), roles: []string{},
		window: Window{install.Total.Window.EstimateMinutes, install.Total.Window.MaxMinutes}}
	for _, rm := range install.Total.HandsOn {
		f.roles = append(f.roles, rm.Role.Name)
	}
	return f
}
