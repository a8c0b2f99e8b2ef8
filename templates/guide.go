package templates

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/releases"
)

// The built-in templates of the documents cut writes.
const (
	GuideMarkdown = "upgrade-guide.md.tmpl"
	VerifyText    = "VERIFY.txt.tmpl"
)

// Guide is the upgrade guide of a release: which runbook bundle to download for
// each version customers may run, what each upgrade takes, and how to check the
// download.
type Guide struct {
	SchemaVersion int     `json:"schemaVersion"`
	Generator     string  `json:"generator"`
	Product       Product `json:"product"`
	Release
	ContentFreeze Decision `json:"contentFreeze"`
	// Paths are the upgrades with a bundle, newest source first.
	Paths []GuidePath `json:"paths"`
	// Install is the bundle that new deployments take; nil when the release
	// has no install procedure (it is older than policy.oldestVersion).
	Install *GuideInstall `json:"install,omitempty"`
	// Roles are the roles that take part in the upgrade when every path needs
	// the same ones, so that the guide names them once rather than per path;
	// empty when the paths differ.
	Roles []string `json:"roles,omitempty"`
	// OldestBundled is the oldest version with a bundle: older versions reach it
	// first.
	OldestBundled string `json:"oldestBundled"`
	// OldestSelfService is the policy's oldest version customers upgrade from.
	OldestSelfService string `json:"oldestSelfService"`
	// VendorDeployed says that versions before OldestSelfService exist, deployed
	// by the vendor, so the guide tells their customers whom to ask; see
	// vendorDeployed.
	VendorDeployed bool `json:"vendorDeployed"`
	Signing
	// Checksums names the checksum file of the release and its URL, if known.
	Checksums    string `json:"checksums"`
	ChecksumsURL string `json:"checksumsUrl,omitempty"`
}

// Signing says how downloads are signed.
type Signing struct {
	// PublicKey is the minisign public key customers verify with; empty for an
	// unsigned snapshot.
	PublicKey string `json:"publicKey,omitempty"`
	KeyID     string `json:"keyId,omitempty"`
	// Snapshot marks an unsigned rehearsal, not for customers.
	Snapshot bool `json:"snapshot"`
}

// GuidePath is the upgrade from one version.
type GuidePath struct {
	From   string `json:"from"`
	Bundle string `json:"bundle"`
	// URL is where the bundle can be downloaded, when the workspace says.
	URL string `json:"url,omitempty"`
	// Stops are the versions the path lands on, the target last.
	Stops             []string `json:"stops"`
	HandsOnMinutes    int      `json:"handsOnMinutes"`
	Window            Window   `json:"window"`
	GlobalAdminBlocks int      `json:"globalAdminBlocks"`
	Outages           []Outage `json:"outages"`
	Prerequisites     int      `json:"prerequisites"`
	Roles             []string `json:"roles"`
}

// GuideInstall is the install bundle: what a new deployment of the release
// takes.
type GuideInstall struct {
	Bundle string `json:"bundle"`
	// URL is where the bundle can be downloaded, when the workspace says.
	URL string `json:"url,omitempty"`
	// Base is the release whose install procedure the bundle starts from.
	Base              string   `json:"base"`
	HandsOnMinutes    int      `json:"handsOnMinutes"`
	Window            Window   `json:"window"`
	GlobalAdminBlocks int      `json:"globalAdminBlocks"`
	Prerequisites     int      `json:"prerequisites"`
	Roles             []string `json:"roles"`
}

// VerifyDoc is what VERIFY.txt says about one bundle.
type VerifyDoc struct {
	Product Product `json:"product"`
	Bundle  string  `json:"bundle"`
	// From is empty for an install bundle.
	From string `json:"from"`
	To   string `json:"to"`
	// Install marks the bundle that deploys To on a new tenant.
	Install bool `json:"install,omitempty"`
	Signing
}

// vendorDeployed reports whether versions before the policy's oldest version
// exist. A release before it in the workspace is one; otherwise only the
// oldest version says so: a product whose oldest self-service version is the
// first a product can have (1.0.0, 0.1.0 or 0.0.1, as init writes 1.0.0) had
// nothing earlier, while one that starts self-service at 4.0.0 had 1.x to 3.x.
func vendorDeployed(ws *releases.Workspace) bool {
	oldest, err := releases.ParseVersion(ws.Config.Policy.OldestVersion)
	if err != nil {
		return false // reported by validate
	}
	if len(ws.Manifests) > 0 && ws.Manifests[0].SemVer().LessThan(oldest) {
		return true
	}
	switch oldest.String() {
	case "1.0.0", "0.1.0", "0.0.1", "0.0.0":
		return false
	}
	return true
}

// NewGuide builds the upgrade guide of version v from the composed paths of its
// upgrade bundles, and the install bundle when v has an install procedure
// (composed here, as cut composes it: the same workspace gives the same
// procedure). downloadURL returns a file's download URL, or "".
func NewGuide(ws *releases.Workspace, v *semver.Version, paths []*releases.Path, signing Signing, generator string, downloadURL func(file string) string) (*Guide, error) {
	m, err := ws.Release(v)
	if err != nil {
		return nil, err
	}
	cfg := ws.Config
	g := &Guide{
		SchemaVersion: 1, Generator: generator, Product: productOf(cfg), Release: releaseOf(m),
		ContentFreeze: Decision{Decision: string(m.Freeze())}, Paths: []GuidePath{}, OldestSelfService: cfg.Policy.OldestVersion,
		VendorDeployed: vendorDeployed(ws),
		Signing:        signing, Checksums: "SHA256SUMS", ChecksumsURL: downloadURL("SHA256SUMS"),
	}
	if m.ContentFreeze != nil {
		g.ContentFreeze.Reason = m.ContentFreeze.Reason
	}
	for _, p := range paths {
		name := BundleName(cfg.Product.ID, p.From.String(), p.To.String()) + ".tar.gz"
		gp := GuidePath{From: p.From.String(), Bundle: name, URL: downloadURL(name), HandsOnMinutes: p.Total.HandsOnMinutes,
			Window: Window{p.Total.Window.EstimateMinutes, p.Total.Window.MaxMinutes}, GlobalAdminBlocks: len(p.Total.GABlocks),
			Prerequisites: len(p.Prerequisites), Outages: []Outage{}, Roles: []string{}}
		for _, h := range p.Hops {
			gp.Stops = append(gp.Stops, h.To.String())
		}
		for _, o := range p.Total.Outages {
			gp.Outages = append(gp.Outages, Outage{Feature: o.Feature.ID, Name: o.Feature.Name, MinMinutes: o.MinMinutes, MaxMinutes: o.MaxMinutes,
				CausedBy: o.CausedBy, Messages: o.Messages})
		}
		for _, rm := range p.Total.HandsOn {
			gp.Roles = append(gp.Roles, rm.Role.Name)
		}
		g.Paths = append(g.Paths, gp)
		g.OldestBundled = gp.From
	}
	install, err := ws.InstallPlan(v)
	switch {
	case errors.Is(err, releases.ErrNoInstall):
	case err != nil:
		return nil, err
	default:
		name := InstallBundleName(cfg.Product.ID, v.String()) + ".tar.gz"
		f := installFiguresOf(install)
		g.Install = &GuideInstall{Bundle: name, URL: downloadURL(name), Base: install.Base.String(), HandsOnMinutes: f.handsOn,
			Window: f.window, GlobalAdminBlocks: f.gaBlocks, Prerequisites: len(install.Prerequisites), Roles: f.roles}
	}
	if len(g.Paths) > 0 && !slices.ContainsFunc(g.Paths, func(gp GuidePath) bool { return !slices.Equal(gp.Roles, g.Paths[0].Roles) }) {
		g.Roles = g.Paths[0].Roles
	}
	return g, nil
}

// Title is the guide's title: a release with nothing to upgrade from (a
// first release) is only deployed.
func (g *Guide) Title() string {
	if len(g.Paths) == 0 && g.Install != nil {
		return fmt.Sprintf("Deploying %s %s", g.Product.Name, g.Version)
	}
	return fmt.Sprintf("Upgrading %s to %s", g.Product.Name, g.Version)
}

// Sample is the bundle the guide's verification commands name: the newest
// upgrade's, or the install bundle's when there is no upgrade; empty when
// there is no bundle.
func (g *Guide) Sample() string {
	switch {
	case len(g.Paths) > 0:
		return g.Paths[0].Bundle
	case g.Install != nil:
		return g.Install.Bundle
	}
	return ""
}

// RenderGuide writes the guide as Markdown, a help-center-safe HTML fragment
// (without the title), or JSON.
func (s *Set) RenderGuide(w io.Writer, g *Guide, f Format) error {
	return s.renderDocument(w, GuideMarkdown, g, f)
}

// RenderVerify writes a bundle's VERIFY.txt.
func (s *Set) RenderVerify(w io.Writer, v *VerifyDoc) error {
	return s.execute(w, VerifyText, v)
}

// renderDocument renders a Markdown template and its two other forms: the HTML
// fragment converted from the Markdown, and the data as JSON.
func (s *Set) renderDocument(w io.Writer, name string, data any, f Format) error {
	switch f {
	case Markdown:
		return s.execute(w, name, data)
	case HTML:
		var md bytes.Buffer
		if err := s.execute(&md, name, data); err != nil {
			return err
		}
		out, err := DocumentHTML(withoutTitle(md.Bytes()))
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	case JSON:
		return WriteJSON(w, data)
	}
	return fmt.Errorf("%s has no %q format", strings.TrimSuffix(name, ".md.tmpl"), f)
}
