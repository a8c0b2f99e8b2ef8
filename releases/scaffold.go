package releases

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/Masterminds/semver/v3"
)

// Proposal is what `new` proposes for a release: its version, its kind and a
// release date that follows the cadence.
type Proposal struct {
	Version     *semver.Version
	Kind        Kind
	ReleaseDate Date
	// Reason explains the date.
	Reason string
}

// KindOf returns the kind a version's shape implies: X.0.0 is a major, X.Y.0 a
// minor, anything else a patch.
func KindOf(v *semver.Version) Kind {
	switch {
	case v.Minor() == 0 && v.Patch() == 0:
		return Major
	case v.Patch() == 0:
		return Minor
	}
	return Patch
}

// Propose proposes the next release. With v nil it picks the version too: after
// as many minors as the cadence fits between two majors, the next major; otherwise
// the next minor. The date is the cadence's interval after the latest major or
// minor before it; patches ship when needed, so they get today.
func (ws *Workspace) Propose(v *semver.Version, today Date) (Proposal, error) {
	if ws.Config == nil {
		return Proposal{}, fmt.Errorf("the workspace file %s is invalid; run validate", ConfigFile)
	}
	if err := ws.unloadedManifests(); err != nil {
		return Proposal{}, err
	}
	c := ws.Config.Policy.Cadence
	if v == nil {
		v = ws.nextVersion(c)
	}
	if m, ok := ws.Find(v); ok {
		return Proposal{}, fmt.Errorf("%s already exists (%s)", v, m.file)
	}
	p := Proposal{Version: v, Kind: KindOf(v), ReleaseDate: today, Reason: "patches ship when needed"}
	if p.Kind == Patch {
		return p, nil
	}
	var prev *Manifest
	for _, m := range ws.Manifests {
		if m.version.LessThan(v) && m.Kind != Patch {
			prev = m
		}
	}
	if prev == nil {
		p.Reason = "the first release of the workspace"
		if len(ws.Manifests) > 0 {
			p.Reason = "no major or minor release precedes it"
		}
		return p, nil
	}
	p.ReleaseDate = prev.ReleaseDate.AddMonths(c.MonthsBetweenReleases)
	p.Reason = fmt.Sprintf("%d months after %s (%s)", c.MonthsBetweenReleases, prev.version, prev.ReleaseDate)
	return p, nil
}

// unloadedManifests returns an error naming the manifests that did not load,
// with their errors, or nil when every manifest file loaded. A proposal made
// from the releases that did load would not see the others: it would pick a
// version or a date against a history with a hole in it, or scaffold a
// workspace's "first release" with an install section while releases exist.
// The error is a *ValidationError: the files are invalid input.
func (ws *Workspace) unloadedManifests() error {
	if !ws.incomplete() {
		return nil
	}
	loaded := make(map[string]bool, len(ws.Manifests))
	for _, m := range ws.Manifests {
		loaded[m.file] = true
	}
	var files []string
	var diags Diagnostics
	for _, f := range ws.ManifestFiles {
		if loaded[f] {
			continue
		}
		files = append(files, f)
		n := len(diags)
		for _, d := range ws.Diagnostics {
			if d.File == f && d.Severity == SeverityError {
				diags = append(diags, d)
			}
		}
		if len(diags) == n {
			// Every manifest left out has an error; this keeps the message
			// pointing at the file should one ever be left out silently.
			reporter{f, &diags}.report(Pos{1, 1}, codeNotRegular, "the manifest does not load")
		}
	}
	verb, it := "does", "it"
	if len(files) > 1 {
		verb, it = "do", "them"
	}
	return fmt.Errorf("%s %s not load; fix %s before starting a new release, which is proposed from the releases there are: %w",
		strings.Join(files, ", "), verb, it, &ValidationError{Diagnostics: diags.Sort()})
}

func (ws *Workspace) nextVersion(c Cadence) *semver.Version {
	oldest, err := ParseVersion(ws.Config.Policy.OldestVersion)
	if len(ws.Manifests) == 0 {
		if err != nil {
			return semver.New(1, 0, 0, "", "")
		}
		return oldest
	}
	latest := ws.Manifests[len(ws.Manifests)-1].version
	perYear := max(12/max(c.MonthsBetweenReleases, 1), 1)
	minorsPerMajor := max(perYear/max(c.MajorsPerYear, 1)-1, 0)
	if int(latest.Minor()) >= minorsPerMajor {
		return semver.New(latest.Major()+1, 0, 0, "", "")
	}
	return semver.New(latest.Major(), latest.Minor()+1, 0, "", "")
}

var manifestTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("manifest").Funcs(template.FuncMap{"quote": strconv.Quote}).Parse(
		`{{with .SchemaRef}}# yaml-language-server: $schema={{.}}
{{end}}# Release manifest of {{.Product}} {{.Version}}. Replace every "FILL IN" value;
# ` + "`atlas-release validate`" + ` points at the ones left. ` + "`atlas-release schema manifest`" + `
# describes every field.
schemaVersion: 1
version: {{.Version}}
kind: {{.Kind}}
releaseDate: {{.Date}}  # proposed: {{.Reason}}
summary: |
  FILL IN: two or three sentences that introduce the release to customers.
{{- if eq .Kind "major"}}
requiredStop: true  # every upgrade path lands on a major before going further
contentFreeze:
  decision: recommended  # required | recommended | not-needed
  reason: "FILL IN: why users should (or need not) stop editing content during the upgrade"
changeType: normal
leadTimeDays: {{.LeadTime}}
{{- else}}
contentFreeze:
  decision: not-needed
  reason: "FILL IN: why users can keep editing content during the upgrade"
changeType: standard
leadTimeDays: 14
{{- end}}

features:
  - id: first-feature
    title: "FILL IN: a short headline for the release notes"
    type: new  # new | improved | fixed | deprecated | removed | security | configuration
    summary: |
      FILL IN: what changes for readers, in a short paragraph of Markdown.
{{- if eq .Kind "major"}}

prerequisites:
  - id: first-prerequisite
    title: "FILL IN: what customers must complete before the upgrade starts"
    role: {{.Role}}
    effortMinutes: 30
    details: |
      FILL IN: how to do it.
    verify: |
      FILL IN: how to check it is done.
    blocking: true
{{- end}}

steps:
{{- with .Freeze}}
{{template "step" .}}
{{- end}}
  - id: first-step
    title: "FILL IN: what to do, starting with a verb"
    phase: deploy  # prepare | freeze | deploy | verify | unfreeze | communicate
    kind: manual   # script | manual | approval | wait | verification | communication
    role: {{.Role}}
    handsOnMinutes: 10
    elapsedMinutes: {estimate: 10, max: 20}
    details: |
      FILL IN: how to do it.
    verify: |
      FILL IN: how to confirm it worked.
    rollback:
      instructions: |
        FILL IN: how to undo it (or replace "instructions" with "none" and the reason).
{{- with .Unfreeze}}
{{template "step" .}}
{{- end}}
{{- with .Install}}

# How a new tenant is deployed at this version (new deployments take the
# install bundle that cut builds from it). Later releases inherit it; a step
# or prerequisite of theirs marked "newDeployments: true" is added to it.
install:
  prerequisites:
    - id: tenant
      title: "FILL IN: what a new customer provides before the deployment, e.g. the tenant and licences"
      role: {{.AdminRole}}
      effortMinutes: 30
      leadTimeDays: 10
      details: |
        FILL IN: how to do it.
      verify: |
        FILL IN: how to check it is done.
      blocking: true
  steps:
    - id: deploy-{{.ProductID}}
      title: {{quote (printf "Deploy %s %s on the tenant" .Product .Version)}}
      phase: deploy
      kind: script
      role: {{.Role}}
      script: {{.Script}}
      args: ["-Tenant", "<tenant>"]
      handsOnMinutes: 15
      elapsedMinutes: {estimate: 30, max: 60}
      details: |
        FILL IN: what {{.Script}} sets up (write the script too).
      verify: |
        FILL IN: how to confirm it worked.
      rollback:
        instructions: |
          FILL IN: how to remove what the script created.
    - id: verify-deployment
      title: "Check the deployment"
      phase: verify
      kind: verification
      role: {{.Role}}
      handsOnMinutes: 10
      elapsedMinutes: {estimate: 10, max: 20}
      dependsOn: [deploy-{{.ProductID}}]
      details: |
        FILL IN: what to check, as a first user would.
      verify: |
        FILL IN: what a healthy deployment shows.
      rollback:
        none: "The check only reads; it changes nothing."
{{- end}}
{{define "step"}}  - id: {{.ID}}
    title: {{quote .Title}}
    phase: {{.Phase}}
    kind: {{.Kind}}
    role: {{.Role}}
{{- with .Script}}
    script: {{.}}
{{- end}}
{{- with .Args}}
    args: [{{range $i, $a := .}}{{if $i}}, {{end}}{{quote $a}}{{end}}]
{{- end}}
    handsOnMinutes: 5
    elapsedMinutes: {estimate: 5, max: 10}
    details: |
      FILL IN: {{.Hint}}
    verify: |
      FILL IN: how to check it worked.
    rollback:
      instructions: |
        FILL IN: how to undo it.
{{- if .Repeat}}
    repeat: {{.Repeat}}
{{- end}}
{{- with .DedupeKey}}
    dedupeKey: {{.}}
{{- end}}
{{- end}}
`))
})

// NewManifestFile returns the text of a manifest for the proposal, with FILL IN
// placeholders where a person must write. schemaRef, when not empty, is put in
// the editor's schema comment.
func (ws *Workspace) NewManifestFile(p Proposal, schemaRef string) []byte {
	// Propose the first role that needs no Global Administrator: most steps should.
	role := ws.Config.Roles[0].ID
	for i := range ws.Config.Roles {
		if !ws.Config.Roles[i].NeedsGlobalAdmin() {
			role = ws.Config.Roles[i].ID
			break
		}
	}
	var freeze, unfreeze *scaffoldStep
	if p.Kind == Major {
		freeze = ws.carriedStep(p.Version, PhaseFreeze, scaffoldStep{ID: "start-content-freeze", Title: "Start the content freeze",
			Phase: PhaseFreeze, Kind: KindManual, Role: role, Hint: "how to make content read-only and tell users."})
		unfreeze = ws.carriedStep(p.Version, PhaseUnfreeze, scaffoldStep{ID: "end-content-freeze", Title: "End the content freeze",
			Phase: PhaseUnfreeze, Kind: KindManual, Role: role, Hint: "how to make content editable again and tell users."})
	}
	var install map[string]any
	if script, ok := ws.installScript(p.Version); ok {
		admin := role
		for i := range ws.Config.Roles {
			if ws.Config.Roles[i].NeedsGlobalAdmin() {
				admin = ws.Config.Roles[i].ID
				break
			}
		}
		install = map[string]any{"Product": ws.Config.Product.Name, "ProductID": ws.Config.Product.ID, "Version": p.Version.String(),
			"Role": role, "AdminRole": admin, "Script": script}
	}
	var b bytes.Buffer
	err := manifestTemplate().Execute(&b, map[string]any{
		"Install":   install,
		"Freeze":    freeze,
		"Unfreeze":  unfreeze,
		"SchemaRef": schemaRef,
		"Product":   ws.Config.Product.Name,
		"Version":   p.Version.String(),
		"Kind":      string(p.Kind),
		"Date":      p.ReleaseDate.String(),
		"Reason":    p.Reason,
		"LeadTime":  ws.Config.Policy.MajorLeadTimeDays,
		"Role":      role,
	})
	if err != nil {
		panic("releases: manifest template: " + err.Error())
	}
	return b.Bytes()
}

// installScript returns the script of the install procedure that `new`
// scaffolds for version v, and whether it scaffolds one: when v is a version
// customers deploy themselves (policy.oldestVersion or later) and no release
// up to v declares an install procedure that v would inherit, as in a new
// workspace's first release. Without it, v would have no install bundle.
func (ws *Workspace) installScript(v *semver.Version) (string, bool) {
	if oldest, err := ParseVersion(ws.Config.Policy.OldestVersion); err == nil && v.LessThan(oldest) {
		return "", false
	}
	for _, m := range ws.Manifests {
		if !m.version.GreaterThan(v) && m.Install != nil {
			return "", false
		}
	}
	return ScriptsDir + "/Install-" + pascal(ws.Config.Product.ID) + ".ps1", true
}

// pascal turns an id into a PowerShell-style name: "contoso-intranet" →
// "ContosoIntranet".
func pascal(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// NewFile is a file that `new` writes besides the manifest.
type NewFile struct {
	// Path is slash-separated, relative to the workspace.
	Path string
	Data []byte
}

// NewScripts returns the scripts the manifest of NewManifestFile(p) runs and
// that must exist for it to validate: the placeholder of the install script
// when the manifest scaffolds an install procedure. It fails when run, until
// someone writes it.
func (ws *Workspace) NewScripts(p Proposal) []NewFile {
	script, ok := ws.installScript(p.Version)
	if !ok {
		return nil
	}
	name := strings.TrimSuffix(path.Base(script), ".ps1")
	text := fmt.Sprintf(`#Requires -Version 7.4
<#
.SYNOPSIS
    Deploys %[1]s on a new Microsoft 365 tenant.
.DESCRIPTION
    FILL IN: what the deployment sets up. The install procedure of
    releases/%[2]s.yaml runs this script; the runbook shows its command line.
.PARAMETER Tenant
    The tenant's name, e.g. contoso for contoso.onmicrosoft.com.
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)]
    [string] $Tenant
)
$ErrorActionPreference = 'Stop'

# A placeholder until the deployment is written: it must never report success.
throw (%[3]s + $Tenant)
`, strings.ReplaceAll(ws.Config.Product.Name, "#>", "# >"), p.Version, psQuote(name+".ps1 is a placeholder: write the deployment of "+ws.Config.Product.Name+" for "))
	return []NewFile{{Path: script, Data: []byte(text)}}
}

// psQuote writes s as a PowerShell string literal that expands nothing.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// scaffoldStep is a step that `new` writes.
type scaffoldStep struct {
	ID, Title       string
	Phase           Phase
	Kind            StepKind
	Role, Script    string
	Args            []string
	Repeat          Repeat
	DedupeKey, Hint string
}

// carriedStep returns the newest earlier release's step of the phase, so that a new
// release repeats it under the same id with the same meaning, or else def.
func (ws *Workspace) carriedStep(before *semver.Version, phase Phase, def scaffoldStep) *scaffoldStep {
	for i := len(ws.Manifests) - 1; i >= 0; i-- {
		m := ws.Manifests[i]
		if !m.version.LessThan(before) {
			continue
		}
		for _, s := range m.Steps {
			if s.Phase == phase {
				return &scaffoldStep{ID: s.ID, Title: s.Title, Phase: s.Phase, Kind: s.Kind, Role: s.Role, Script: s.Script,
					Args: s.Args, Repeat: s.Repeat, DedupeKey: s.DedupeKey, Hint: def.Hint}
			}
		}
	}
	return &def
}

// RolesChecked is when the built-in role catalogue that `init` writes was last
// checked against Microsoft's documentation.
var RolesChecked = NewDate(2026, 10, 15)

var configTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("config").Funcs(template.FuncMap{"quote": strconv.Quote}).Parse(
		`{{with .SchemaRef}}# yaml-language-server: $schema={{.}}
{{end}}# The release workspace of {{.Name}}. ` + "`atlas-release schema workspace`" + ` describes every
# field. Secrets never go here: tokens and passphrases come from the environment.
schemaVersion: 1

product:
  id: {{.ID}}
  name: {{quote .Name}}

policy:
  cadence:
    monthsBetweenReleases: 3  # one release a quarter
    majorsPerYear: 1          # one major and three minors a year
    toleranceDays: 21
  oldestVersion: 1.0.0        # the oldest version customers upgrade from themselves
  handsOnBudgetMinutes: 240   # most hands-on effort one upgrade may take
  maxOutageMinutes: 20        # longest a feature may be offline without justification
  majorLeadTimeDays: 30       # least notice customers get before a major
  bundleSources: 3            # bundles per cut: from the three previous versions

# Who can perform steps. Entra ID roles are listed least privileged first.
# Microsoft's role guidance changes: re-check each source and update "checked".
roles:
  - id: global-admin
    name: Global Administrator
    entraRoles: [Global Administrator]
    pimLikely: true
    source: https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference#global-administrator
    checked: {{.Checked}}
  - id: app-admin
    name: Cloud Application Administrator
    entraRoles: [Cloud Application Administrator, Application Administrator, Global Administrator]
    pimLikely: true
    source: https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference#cloud-application-administrator
    checked: {{.Checked}}
  - id: sharepoint-admin
    name: SharePoint Administrator
    entraRoles: [SharePoint Administrator, Global Administrator]
    extraRights: [Site collection administrator of the tenant app catalog]
    pimLikely: true
    source: https://learn.microsoft.com/en-us/sharepoint/sharepoint-admin-role
    checked: {{.Checked}}
  - id: teams-admin
    name: Teams Administrator
    entraRoles: [Teams Administrator, Global Administrator]
    pimLikely: true
    source: https://learn.microsoft.com/en-us/microsoftteams/using-admin-roles
    checked: {{.Checked}}
  - id: it-admin
    name: IT administrator
    extraRights: [Runs the deployment scripts from an admin workstation]

# Product features that an upgrade can take offline, e.g.
#   - id: search
#     name: Search
features: []

locales: [en-us]

# Where release notes are published (credentials come from ZENDESK_* variables):
# zendesk:
#   url: https://example.zendesk.com
#   sectionId: 123
#   permissionGroupId: 456
#
# Where signed bundles are published (token from GITHUB_TOKEN):
# github:
#   repository: owner/name
#
# The public key customers verify bundles with (from ` + "`atlas-release keygen`" + `):
# signing:
#   publicKey: RW...
`))
})

// NewConfigFile returns the text of a minimal, valid atlas-release.yaml.
func NewConfigFile(id, name, schemaRef string) []byte {
	var b bytes.Buffer
	err := configTemplate().Execute(&b, map[string]any{
		"SchemaRef": schemaRef, "ID": id, "Name": name, "Checked": RolesChecked.String(),
	})
	if err != nil {
		panic("releases: workspace template: " + err.Error())
	}
	return b.Bytes()
}

var nonID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// SuggestID turns a name such as a folder name into a valid id ("My Product" →
// "my-product"), or "" when nothing usable is left.
func SuggestID(name string) string {
	id := strings.Trim(nonID().ReplaceAllString(strings.ToLower(name), "-"), "-")
	id = strings.TrimLeft(id, "0123456789-")
	if !idRE().MatchString(id) {
		return ""
	}
	return id
}
