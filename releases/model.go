package releases

import "github.com/Masterminds/semver/v3"

// The types below are the single source of truth for the workspace and manifest
// formats: their json tags are the YAML keys, their `jsonschema` tags carry the
// constraints that both the loader and the generated JSON Schema enforce, and their
// doc comments become the schema's descriptions.

// SchemaVersion is the version of the workspace and manifest formats this build reads.
const SchemaVersion = 1

// Config is the workspace file atlas-release.yaml: the product, the release policy,
// the catalogues of roles and features, and the publishing and signing settings.
// It never holds secrets: tokens and passphrases come from the environment or a prompt.
type Config struct {
	Loc `json:"-"`
	// SchemaVersion is the version of this file's format. This build reads 1.
	SchemaVersion int `json:"schemaVersion" jsonschema:"required,minimum=1"`
	// Product names the product whose releases this workspace describes.
	Product Product `json:"product" jsonschema:"required"`
	// Policy holds the rules every release and every upgrade path must respect.
	Policy Policy `json:"policy" jsonschema:"required"`
	// Roles is the catalogue of people who can perform steps, least privileged first
	// within each role's list of Entra ID roles.
	Roles []Role `json:"roles" jsonschema:"required,minItems=1"`
	// Features is the catalogue of product features that an upgrade can take offline.
	Features []CatalogFeature `json:"features,omitempty"`
	// Locales lists the languages release notes and upgrade guides are published in.
	// The first is the language the manifests are written in; each other one has
	// its language settings, templates and release translations in locales/<locale>/.
	Locales []string `json:"locales,omitempty" jsonschema:"pattern=^[a-z][a-z][a-z]?(-[a-z0-9]+)*$"`
	// Zendesk configures where release notes and upgrade guides are published.
	Zendesk *ZendeskSettings `json:"zendesk,omitempty"`
	// GitHub configures where signed runbook bundles are published.
	GitHub *GitHubSettings `json:"github,omitempty"`
	// Signing holds the public half of the key that signs every bundle.
	Signing *SigningSettings `json:"signing,omitempty"`
	// Standby is the roster of the vendor's engineers who can be on standby
	// during customers' upgrades, and the days nobody is (blackouts).
	Standby *Standby `json:"standby,omitempty"`
}

// Product names the product whose releases a workspace describes.
type Product struct {
	Loc `json:"-"`
	// ID is the short name used in file names, labels and anchors, e.g. "atlas".
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Name is the product's display name, e.g. "Atlas".
	Name string `json:"name" jsonschema:"required,minLength=1"`
	// Vendor is the company that ships the product.
	Vendor string `json:"vendor,omitempty"`
	// SupportURL is where customers ask for help with an upgrade.
	SupportURL string `json:"supportUrl,omitempty" jsonschema:"format=uri"`
}

// Policy holds the rules every release and every upgrade path must respect.
type Policy struct {
	Loc `json:"-"`
	// Cadence is how often releases ship and how many of them are majors.
	Cadence Cadence `json:"cadence" jsonschema:"required"`
	// OldestVersion is the oldest version that has a customer runbook; earlier
	// versions were deployed by the vendor and cannot start an upgrade path.
	OldestVersion string `json:"oldestVersion" jsonschema:"required"`
	// HandsOnBudgetMinutes is the most hands-on effort one upgrade (one hop of a
	// path) may ask of the customer, all roles together; at most 100000 (ten
	// weeks), which stands for "no budget".
	HandsOnBudgetMinutes int `json:"handsOnBudgetMinutes" jsonschema:"required,minimum=1,maximum=100000"`
	// MaxOutageMinutes is the longest a feature may be offline during one release's
	// upgrade unless the outage carries a justification; at most 10080 (a week).
	MaxOutageMinutes int `json:"maxOutageMinutes" jsonschema:"required,minimum=1,maximum=10080"`
	// MajorLeadTimeDays is the least notice, in days, a major release must give
	// customers before they can upgrade; at most 730 (two years).
	MajorLeadTimeDays int `json:"majorLeadTimeDays" jsonschema:"required,minimum=0,maximum=730"`
	// BundleSources is how many previous versions get a cumulative runbook bundle
	// in each cut, newest first; at most 100.
	BundleSources int `json:"bundleSources" jsonschema:"required,minimum=1,maximum=100"`
	// Rings are the rollout rings in order, at most 10: ring 0 is the vendor's
	// own environments, then early adopters, then everyone. No entry of a ring
	// is upgraded before every entry of the ring before it has completed the
	// release and that ring's soak days have passed. Omitted: two rings, the
	// vendor's and the customers', without soak.
	Rings []RingPolicy `json:"rings,omitempty" jsonschema:"maxItems=10"`
	// SupportedReleases is how many releases back the vendor supports: an
	// entry of customers.yaml further behind the newest release is out of
	// support (upgrades status); at most 100. Omitted: a year of releases at
	// the cadence.
	SupportedReleases int `json:"supportedReleases,omitempty" jsonschema:"minimum=1,maximum=100"`
}

// Cadence is how often releases ship.
type Cadence struct {
	Loc `json:"-"`
	// MonthsBetweenReleases is the planned gap between two releases (3: quarterly);
	// at most 60 (five years).
	MonthsBetweenReleases int `json:"monthsBetweenReleases" jsonschema:"required,minimum=1,maximum=60"`
	// MajorsPerYear is how many major releases a calendar year may have; at most 12.
	MajorsPerYear int `json:"majorsPerYear" jsonschema:"required,minimum=1,maximum=12"`
	// ToleranceDays is how far a release date may drift from the cadence before
	// validation warns that the cadence slips; at most 365.
	ToleranceDays int `json:"toleranceDays" jsonschema:"required,minimum=0,maximum=365"`
}

// Role is someone who can perform steps, with the Microsoft Entra ID roles that
// satisfy it. Microsoft's guidance on roles changes, so every role records where it
// comes from and when it was last checked.
type Role struct {
	Loc `json:"-"`
	// ID is how steps and prerequisites refer to the role, e.g. "global-admin".
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Name is the role's display name, e.g. "Global Administrator".
	Name string `json:"name" jsonschema:"required,minLength=1"`
	// EntraRoles are the Entra ID directory roles that satisfy this role, least
	// privileged first. Empty when no directory role is needed.
	EntraRoles []string `json:"entraRoles,omitempty"`
	// ExtraRights are rights beyond a directory role, e.g. "Site collection
	// administrator of the tenant app catalog".
	ExtraRights []string `json:"extraRights,omitempty"`
	// PIMLikely says whether the role is usually activated just in time through
	// Privileged Identity Management, so customers must plan its activation.
	PIMLikely bool `json:"pimLikely,omitempty"`
	// Source is the Microsoft documentation the role's definition follows.
	Source string `json:"source,omitempty" jsonschema:"format=uri"`
	// Checked is when Source was last checked against this definition.
	Checked Date `json:"checked,omitzero"`
}

// CatalogFeature is a product feature that an upgrade can take offline.
type CatalogFeature struct {
	Loc `json:"-"`
	// ID is how outages refer to the feature, e.g. "connex".
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Name is the feature's display name, e.g. "Atlas ConneX".
	Name string `json:"name" jsonschema:"required,minLength=1"`
	// Description says what users lose while the feature is offline.
	Description string `json:"description,omitempty"`
}

// ZendeskSettings says where in the ZenDesk Help Center release notes and upgrade
// guides are published. Credentials come from the environment, never from here.
type ZendeskSettings struct {
	Loc `json:"-"`
	// URL is the Help Center's base URL, e.g. https://acme.zendesk.com.
	// The ZENDESK_URL and ZENDESK_SUBDOMAIN environment variables override it.
	URL string `json:"url,omitempty" jsonschema:"format=uri"`
	// SectionID is the Help Center section that holds the articles.
	SectionID int64 `json:"sectionId" jsonschema:"required,minimum=1"`
	// PermissionGroupID is the permission group that may edit the articles.
	PermissionGroupID int64 `json:"permissionGroupId" jsonschema:"required,minimum=1"`
	// UserSegmentID restricts who can read the articles; omit it for everyone.
	UserSegmentID int64 `json:"userSegmentId,omitempty" jsonschema:"minimum=1"`
	// Labels are added to every published article, besides the labels that
	// identify each article.
	Labels []string `json:"labels,omitempty"`
}

// GitHubSettings says where signed runbook bundles are published as releases.
type GitHubSettings struct {
	Loc `json:"-"`
	// Repository is "owner/name".
	Repository string `json:"repository" jsonschema:"required,pattern=^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$"`
	// APIURL is the REST API base for GitHub Enterprise Server; the GITHUB_API_URL
	// environment variable overrides it.
	APIURL string `json:"apiUrl,omitempty" jsonschema:"format=uri"`
}

// SigningSettings holds the public half of the key that signs every bundle.
type SigningSettings struct {
	Loc `json:"-"`
	// PublicKey is the minisign public key (the base64 line of atlas-release.pub)
	// that customers verify downloads with.
	PublicKey string `json:"publicKey" jsonschema:"required,pattern=^RW[A-Za-z0-9+/]{54}$"`
}

// Manifest describes one release: what it brings, how customers upgrade to it, and
// what the upgrade costs them. It lives in releases/<version>.yaml.
type Manifest struct {
	Loc `json:"-"`
	// SchemaVersion is the version of this file's format. This build reads 1.
	SchemaVersion int `json:"schemaVersion" jsonschema:"required,minimum=1"`
	// Version is the release's semantic version; it matches the file name.
	Version string `json:"version" jsonschema:"required"`
	// Kind is major (X.0.0), minor (X.Y.0) or patch (X.Y.Z).
	Kind Kind `json:"kind" jsonschema:"required,enum=major,enum=minor,enum=patch"`
	// ReleaseDate is the day the release ships.
	ReleaseDate Date `json:"releaseDate" jsonschema:"required"`
	// Codename is an optional internal name.
	Codename string `json:"codename,omitempty"`
	// Summary introduces the release in a paragraph or two of Markdown.
	Summary string `json:"summary" jsonschema:"required,minLength=1"`
	// Townhall is the presentation of the release to customers.
	Townhall *Townhall `json:"townhall,omitempty"`
	// RequiredStop means every upgrade path must land on this version before going
	// further. It defaults to true for majors, which must state it explicitly.
	RequiredStop *bool `json:"requiredStop,omitempty"`
	// MinSource is the oldest version that may upgrade straight to this one: a
	// version ("4.1.0") or a constraint (">= 4.1.0"). Empty means no limit beyond
	// the policy's oldest version and required stops.
	MinSource string `json:"minSource,omitempty"`
	// ContentFreeze says whether users must stop editing content during the
	// upgrade. Majors must decide it; minors default to not needed.
	ContentFreeze *ContentFreeze `json:"contentFreeze,omitempty"`
	// ChangeType is how a customer's change process should treat the upgrade:
	// standard (pre-approved) or normal (needs change approval).
	ChangeType ChangeType `json:"changeType" jsonschema:"required,enum=standard,enum=normal"`
	// LeadTimeDays is how many days' notice customers get before they can upgrade;
	// at most 730 (two years).
	LeadTimeDays int `json:"leadTimeDays" jsonschema:"required,minimum=0,maximum=730"`
	// Features are the release notes: what is new, improved, fixed or gone.
	Features []Feature `json:"features" jsonschema:"required,minItems=1"`
	// Outages are the periods during the upgrade when a feature is offline.
	Outages []Outage `json:"outages,omitempty"`
	// Prerequisites must be completed before the upgrade starts.
	Prerequisites []Prerequisite `json:"prerequisites,omitempty"`
	// Steps are the runbook, in the order they are performed; at most 1000, so
	// that a window's length in nanoseconds cannot overflow.
	Steps []Step `json:"steps" jsonschema:"required,minItems=1,maxItems=1000"`
	// KnownIssues are problems customers may meet after upgrading.
	KnownIssues []KnownIssue `json:"knownIssues,omitempty"`
	// Communications are the messages to send around the maintenance window.
	Communications []Communication `json:"communications,omitempty"`
	// Install declares how a new tenant is deployed at this version: the
	// procedure every later release inherits, together with the upgrade steps
	// and prerequisites of later releases marked newDeployments. Omitted: the
	// release inherits the newest earlier install procedure.
	Install *Install `json:"install,omitempty"`

	file    string          // path relative to the workspace
	version *semver.Version // parsed Version
	// A view of a release for an install (see installView) says which part of
	// the release it holds and keeps the release it was made from.
	origin  Origin
	release *Manifest
}

// Install is how a new tenant is deployed at a release: what must be ready
// before the deployment and the steps that deploy. Its steps have the fields of
// upgrade steps; outages and the content freeze do not apply, as a new tenant
// has no users yet.
type Install struct {
	Loc `json:"-"`
	// Prerequisites must be completed before the deployment starts: the tenant,
	// the licences, the app registrations, the people needed.
	Prerequisites []Prerequisite `json:"prerequisites,omitempty"`
	// Steps deploy the release on a new tenant, in the order they are
	// performed; at most 1000. Their ids are unique within the install section
	// and may repeat ids of the release's upgrade steps (the same step).
	Steps []Step `json:"steps" jsonschema:"required,minItems=1,maxItems=1000"`
}

// Kind is the kind of a release.
type Kind string

// The kinds of release.
const (
	Major Kind = "major"
	Minor Kind = "minor"
	Patch Kind = "patch"
)

// ChangeType is how a customer's change process should treat an upgrade.
type ChangeType string

// The change types.
const (
	StandardChange ChangeType = "standard"
	NormalChange   ChangeType = "normal"
)

// Townhall is the presentation of a release to customers.
type Townhall struct {
	Loc `json:"-"`
	// Date is the day of the townhall.
	Date Date `json:"date" jsonschema:"required"`
	// Recording links to the recording.
	Recording string `json:"recording,omitempty" jsonschema:"format=uri"`
	// Slides links to the slides.
	Slides string `json:"slides,omitempty" jsonschema:"format=uri"`
}

// ContentFreeze says whether users must stop editing content during an upgrade.
type ContentFreeze struct {
	Loc `json:"-"`
	// Decision is required, recommended or not-needed.
	Decision FreezeDecision `json:"decision" jsonschema:"required,enum=required,enum=recommended,enum=not-needed"`
	// Reason explains the decision to customers.
	Reason string `json:"reason" jsonschema:"required,minLength=1"`
}

// FreezeDecision is whether a content freeze is needed.
type FreezeDecision string

// The content-freeze decisions, strongest first.
const (
	FreezeRequired    FreezeDecision = "required"
	FreezeRecommended FreezeDecision = "recommended"
	FreezeNotNeeded   FreezeDecision = "not-needed"
)

// Feature is one entry of the release notes.
type Feature struct {
	Loc `json:"-"`
	// ID identifies the entry within the release.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Title is a short headline.
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// Type groups the entry in the release notes and the changelog.
	Type FeatureType `json:"type" jsonschema:"required,enum=new,enum=improved,enum=fixed,enum=deprecated,enum=removed,enum=security,enum=configuration"`
	// Area is the part of the product it concerns, e.g. "Search".
	Area string `json:"area,omitempty"`
	// Summary describes the change for readers, in Markdown.
	Summary string `json:"summary" jsonschema:"required,minLength=1"`
	// Audience is customers (published) or internal (left out of customer documents).
	Audience Audience `json:"audience,omitempty" jsonschema:"enum=customers,enum=internal"`
	// Links point to documentation about the change.
	Links []Link `json:"links,omitempty"`
}

// FeatureType groups release-note entries.
type FeatureType string

// The feature types, in the order release notes present them.
const (
	FeatureNew           FeatureType = "new"
	FeatureImproved      FeatureType = "improved"
	FeatureFixed         FeatureType = "fixed"
	FeatureDeprecated    FeatureType = "deprecated"
	FeatureRemoved       FeatureType = "removed"
	FeatureSecurity      FeatureType = "security"
	FeatureConfiguration FeatureType = "configuration"
)

// FeatureTypes lists every feature type in presentation order.
var FeatureTypes = []FeatureType{FeatureNew, FeatureImproved, FeatureFixed, FeatureSecurity,
	FeatureConfiguration, FeatureDeprecated, FeatureRemoved}

// Audience says who a release-note entry is for.
type Audience string

// The audiences.
const (
	AudienceCustomers Audience = "customers"
	AudienceInternal  Audience = "internal"
)

// Link is a titled URL.
type Link struct {
	Loc `json:"-"`
	// Title is the link text.
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// URL is where it points.
	URL string `json:"url" jsonschema:"required,format=uri"`
}

// Outage is a period during the upgrade when a feature is offline.
type Outage struct {
	Loc `json:"-"`
	// ID identifies the outage within the release; steps name it in causesOutage.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Feature is the catalogue feature that goes offline.
	Feature string `json:"feature" jsonschema:"required"`
	// MinMinutes is the shortest the outage is expected to last; at most 10080
	// (a week).
	MinMinutes int `json:"minMinutes" jsonschema:"required,minimum=0,maximum=10080"`
	// MaxMinutes is the longest the outage may last; at most 10080 (a week).
	MaxMinutes int `json:"maxMinutes" jsonschema:"required,minimum=1,maximum=10080"`
	// CausedBy lists the ids of the steps that cause the outage.
	CausedBy []string `json:"causedBy" jsonschema:"required,minItems=1"`
	// UserMessage is what users are told while the feature is offline.
	UserMessage string `json:"userMessage" jsonschema:"required,minLength=1"`
	// Justification explains an outage longer than the policy allows.
	Justification string `json:"justification,omitempty"`
}

// Prerequisite is something the customer must complete before the upgrade starts.
type Prerequisite struct {
	Loc `json:"-"`
	// ID identifies the prerequisite within the release.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Title says what to do, in the imperative.
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// Role is who does it.
	Role string `json:"role" jsonschema:"required"`
	// EffortMinutes is the hands-on effort it takes; at most 20160 (two weeks).
	EffortMinutes int `json:"effortMinutes" jsonschema:"required,minimum=1,maximum=20160"`
	// LeadTimeDays is how many days before the upgrade it must be started; at
	// most 365.
	LeadTimeDays int `json:"leadTimeDays,omitempty" jsonschema:"minimum=0,maximum=365"`
	// Details explains how, in Markdown.
	Details string `json:"details" jsonschema:"required,minLength=1"`
	// Verify says how to confirm it is done, in Markdown.
	Verify string `json:"verify" jsonschema:"required,minLength=1"`
	// Blocking means the upgrade must not start until it is done.
	Blocking bool `json:"blocking,omitempty"`
	// NewDeployments means a new tenant deployed at this release or a later one
	// needs it too, besides the prerequisites of the install procedure.
	NewDeployments bool `json:"newDeployments,omitempty"`
}

// Step is one step of a runbook.
type Step struct {
	Loc `json:"-"`
	// ID identifies the step; it is the step's anchor in the HTML runbook. A step id
	// reused in a later release means the same step.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Title says what to do, in the imperative ("Deploy the backend").
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// Phase is when in the upgrade the step happens.
	Phase Phase `json:"phase" jsonschema:"required,enum=prepare,enum=freeze,enum=deploy,enum=verify,enum=unfreeze,enum=communicate"`
	// Kind is what sort of work the step is.
	Kind StepKind `json:"kind" jsonschema:"required,enum=script,enum=manual,enum=approval,enum=wait,enum=verification,enum=communication"`
	// Role is who performs the step.
	Role string `json:"role" jsonschema:"required"`
	// Script is the PowerShell script the step runs, relative to the workspace
	// (scripts/…). Script steps must name one, verification steps may, other
	// kinds must not.
	Script string `json:"script,omitempty"`
	// Args are the script's arguments, as typed on the command line.
	Args []string `json:"args,omitempty"`
	// HandsOnMinutes is the effort the step takes from the person doing it.
	// It is positive except for wait steps; at most 1440 (a day).
	HandsOnMinutes int `json:"handsOnMinutes" jsonschema:"minimum=0,maximum=1440"`
	// ElapsedMinutes is how long the step takes from start to finish.
	ElapsedMinutes Elapsed `json:"elapsedMinutes" jsonschema:"required"`
	// DependsOn lists the ids of steps of the same release that must finish first.
	DependsOn []string `json:"dependsOn,omitempty"`
	// CausesOutage lists the ids of the outages this step causes.
	CausesOutage []string `json:"causesOutage,omitempty"`
	// Grants lists the privileged operations the step performs (see the table of
	// privileged operations), so validation can check the role can do them.
	Grants []string `json:"grants,omitempty"`
	// Details explains how to perform the step, in Markdown.
	Details string `json:"details,omitempty"`
	// Verify says how to confirm the step worked, in Markdown.
	Verify string `json:"verify" jsonschema:"required,minLength=1"`
	// Rollback says how to undo the step, or why it cannot or need not be undone.
	Rollback Rollback `json:"rollback" jsonschema:"required"`
	// PointOfNoReturn means the upgrade cannot be rolled back once this step is done.
	PointOfNoReturn bool `json:"pointOfNoReturn,omitempty"`
	// Repeat says what happens when several releases are combined in one upgrade:
	// always (every release's copy runs), once (the first copy runs once on the whole
	// path) or supersede (only the newest step with the same dedupeKey runs).
	Repeat Repeat `json:"repeat,omitempty" jsonschema:"enum=always,enum=once,enum=supersede"`
	// DedupeKey groups steps that supersede one another across releases, e.g.
	// "deploy-backend". Required for supersede; optional for once (default: the id).
	DedupeKey string `json:"dedupeKey,omitempty" jsonschema:"pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// NewDeployments means the upgrade step also deploys this release and later
	// ones on a new tenant (a new feature's set-up, say): the install procedure
	// runs it after its own steps, composed by the same repeat and dedupeKey
	// rules as an upgrade. Only for upgrade steps.
	NewDeployments bool `json:"newDeployments,omitempty"`
}

// Phase is when in an upgrade a step happens. Phases run in the order declared.
type Phase string

// The phases, in the order they run.
const (
	PhasePrepare     Phase = "prepare"
	PhaseFreeze      Phase = "freeze"
	PhaseDeploy      Phase = "deploy"
	PhaseVerify      Phase = "verify"
	PhaseUnfreeze    Phase = "unfreeze"
	PhaseCommunicate Phase = "communicate"
)

// Phases lists every phase in the order they run.
var Phases = []Phase{PhasePrepare, PhaseFreeze, PhaseDeploy, PhaseVerify, PhaseUnfreeze, PhaseCommunicate}

// Rank is the phase's position in Phases, or -1 for an unknown phase.
func (p Phase) Rank() int {
	for i, q := range Phases {
		if p == q {
			return i
		}
	}
	return -1
}

// StepKind is what sort of work a step is.
type StepKind string

// The step kinds.
const (
	KindScript        StepKind = "script"
	KindManual        StepKind = "manual"
	KindApproval      StepKind = "approval"
	KindWait          StepKind = "wait"
	KindVerification  StepKind = "verification"
	KindCommunication StepKind = "communication"
)

// Elapsed is how long a step takes from start to finish, in minutes.
type Elapsed struct {
	Loc `json:"-"`
	// Estimate is the usual duration; at most 4320 (three days).
	Estimate int `json:"estimate" jsonschema:"required,minimum=0,maximum=4320"`
	// Max is the longest it may take before something is wrong; at most 4320
	// (three days).
	Max int `json:"max" jsonschema:"required,minimum=0,maximum=4320"`
}

// Rollback says how to undo a step: either instructions, or none with the reason.
type Rollback struct {
	Loc `json:"-"`
	// Instructions say how to undo the step, in Markdown.
	Instructions string `json:"instructions,omitempty"`
	// None explains why the step has no rollback.
	None string `json:"none,omitempty"`
}

// Repeat says what happens to a step when several releases are combined.
type Repeat string

// The repeat behaviours.
const (
	RepeatAlways    Repeat = "always"
	RepeatOnce      Repeat = "once"
	RepeatSupersede Repeat = "supersede"
)

// KnownIssue is a problem customers may meet after upgrading.
type KnownIssue struct {
	Loc `json:"-"`
	// ID identifies the issue within the release.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Title is a short description.
	Title string `json:"title" jsonschema:"required,minLength=1"`
	// Details describe the problem, in Markdown.
	Details string `json:"details" jsonschema:"required,minLength=1"`
	// Workaround says what to do meanwhile, in Markdown.
	Workaround string `json:"workaround,omitempty"`
}

// Communication is a message to send around the maintenance window.
type Communication struct {
	Loc `json:"-"`
	// ID identifies the message within the release.
	ID string `json:"id" jsonschema:"required,pattern=^[a-z][a-z0-9]*(-[a-z0-9]+)*$"`
	// Audience is who receives it.
	Audience CommAudience `json:"audience" jsonschema:"required,enum=users,enum=administrators,enum=stakeholders"`
	// When is before the window, at its start, or at its end.
	When CommWhen `json:"when" jsonschema:"required,enum=before,enum=start,enum=end"`
	// LeadDays is how many days before the window a "before" message goes out;
	// at most 365.
	LeadDays int `json:"leadDays,omitempty" jsonschema:"minimum=0,maximum=365"`
	// Subject is the message's subject line.
	Subject string `json:"subject" jsonschema:"required,minLength=1"`
	// Text is the message, in Markdown.
	Text string `json:"text" jsonschema:"required,minLength=1"`
}

// CommAudience is who receives a communication.
type CommAudience string

// CommWhen is when a communication goes out, relative to the maintenance window.
type CommWhen string
