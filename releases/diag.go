package releases

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic fails validation.
type Severity string

// The severities.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
)

// Diagnostic is one finding of the loader or the validator, at an exact place.
type Diagnostic struct {
	// File is the path relative to the workspace root, with forward slashes.
	File string `json:"file"`
	Pos
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	// Help is a one-line hint on how to fix it.
	Help string `json:"help,omitempty"`
}

// String formats the diagnostic the way compilers do: file:line:col: severity CODE: message.
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s %s: %s", d.File, max(d.Line, 1), max(d.Col, 1), d.Severity, d.Code, d.Message)
}

// Diagnostics is a list of findings.
type Diagnostics []Diagnostic

// Errors counts the diagnostics that fail validation.
func (ds Diagnostics) Errors() int {
	n := 0
	for _, d := range ds {
		if d.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Warnings counts the diagnostics that do not fail validation.
func (ds Diagnostics) Warnings() int { return len(ds) - ds.Errors() }

// Sort orders diagnostics by file, position, then code, and drops exact duplicates,
// so that output never depends on the order checks ran in.
func (ds Diagnostics) Sort() Diagnostics {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(ds)
}

// Rule describes one validation rule: its stable code, its severity, and what to do
// about it. Codes never change meaning; retired codes are never reused.
type Rule struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Summary names what the rule checks.
	Summary string `json:"summary"`
	// Help says how to fix a violation.
	Help string `json:"help"`
}

// Rules lists every rule, ordered by code. The two first digits of a code are the
// number of the rule group in the manifest reference (MANIFEST.md, "Validation");
// group 12 holds its warnings, 13 the policy, 14 the translations, 15 the
// customers, 16 the standby roster and rollout history and 17 new deployments.
var Rules = []Rule{
	{"AR0101", SeverityError, "file is not readable YAML text", "save the file as UTF-8 text under 1 MiB"},
	{"AR0102", SeverityError, "YAML syntax error", "fix the YAML at the position shown; indent with spaces, not tabs"},
	{"AR0103", SeverityError, "unknown key", "remove the key or fix its spelling; `atlas-release schema` lists every key"},
	{"AR0104", SeverityError, "duplicate key", "keep one of the two keys"},
	{"AR0105", SeverityError, "wrong type", "give the value the type the schema asks for; quote values that must be text"},
	{"AR0106", SeverityError, "missing required field", "add the field; `atlas-release schema` shows what each field means"},
	{"AR0107", SeverityError, "invalid value", "use one of the values the schema allows"},
	{"AR0108", SeverityError, "placeholder not filled in", "replace the FILL IN text with the real content"},
	{"AR0109", SeverityError, "unsupported YAML feature", "write the value out in full: anchors, aliases, tags and several documents are not supported"},
	{"AR0110", SeverityError, "unsupported schema version", "set schemaVersion: 1 or upgrade atlas-release"},
	{"AR0111", SeverityError, "YAML nested too deeply or too large", "flatten or split the file: at most 64 levels of nesting and 100000 values"},
	{"AR0112", SeverityError, "control or invisible character in text", "remove the character, written raw or as an escape: text cannot hold control characters, bidirectional controls or zero-width characters"},
	{"AR0201", SeverityError, "version is not SemVer", "write the version as MAJOR.MINOR.PATCH, e.g. 4.3.0"},
	{"AR0202", SeverityError, "version does not match the file name", "name the file releases/<version>.yaml after the version it describes"},
	{"AR0203", SeverityError, "kind disagrees with the version", "a major is X.0.0, a minor X.Y.0 and a patch X.Y.Z with Z > 0"},
	{"AR0204", SeverityError, "two manifests claim one version", "keep one manifest per version"},
	{"AR0301", SeverityError, "duplicate id in a release", "give every step, prerequisite, feature and outage of a release its own id"},
	{"AR0302", SeverityError, "step id reused for a different step", "a step id reused in a later release must keep its title and kind; otherwise choose a new id"},
	{"AR0303", SeverityError, "duplicate id in the workspace catalogue", "give every role and feature of atlas-release.yaml its own id"},
	{"AR0401", SeverityError, "unknown role", "use a role id from the roles catalogue in atlas-release.yaml"},
	{"AR0402", SeverityError, "unknown feature", "use a feature id from the features catalogue in atlas-release.yaml"},
	{"AR0403", SeverityError, "dependsOn names an unknown step", "name a step id of the same release"},
	{"AR0404", SeverityError, "causedBy names an unknown step", "name a step id of the same release"},
	{"AR0405", SeverityError, "script file not found", "add the script under scripts/ or fix the path"},
	{"AR0406", SeverityError, "invalid minSource", "write a known version (4.1.0) or a constraint (>= 4.1.0) that a known version satisfies"},
	{"AR0407", SeverityError, "unknown privileged operation", "use an operation from the table of privileged operations"},
	{"AR0501", SeverityError, "dependsOn cycle", "break the cycle: a step cannot wait for itself"},
	{"AR0502", SeverityError, "dependsOn points to a later phase", "a step can only wait for steps of its own or an earlier phase"},
	{"AR0601", SeverityError, "step has no hands-on time", "give handsOnMinutes > 0; only wait steps take no hands-on time"},
	{"AR0602", SeverityError, "inconsistent durations", "the estimate must be positive, at most max, and at least the hands-on time"},
	{"AR0603", SeverityError, "step has no rollback decision", "give rollback.instructions, or rollback.none with the reason there is none (not both)"},
	{"AR0604", SeverityError, "script and kind disagree", "script steps name a script under scripts/; verification steps may; other kinds name none"},
	{"AR0605", SeverityError, "supersede step without dedupeKey", "give the dedupeKey shared by the steps this one replaces"},
	{"AR0701", SeverityError, "major without prerequisites", "list the technical prerequisites customers must complete before a major"},
	{"AR0702", SeverityError, "major without a content-freeze decision", "add contentFreeze with a decision and a reason"},
	{"AR0703", SeverityError, "lead time below the policy minimum", "give customers at least policy.majorLeadTimeDays of notice"},
	{"AR0704", SeverityError, "major without an explicit requiredStop", "state requiredStop: true (or false, if paths may skip it)"},
	{"AR0802", SeverityError, "causesOutage names an unknown outage", "declare the outage under outages, or fix the id"},
	{"AR0803", SeverityError, "outage and step disagree", "an outage's causedBy and its steps' causesOutage must name each other"},
	{"AR0804", SeverityError, "outage longer than the policy allows", "shorten it, or explain why in justification"},
	{"AR0805", SeverityError, "outage outside the content-freeze window", "with a content freeze, outage-causing steps belong between the freeze and unfreeze phases"},
	{"AR0806", SeverityError, "content freeze without freeze and unfreeze steps", "add a freeze-phase step that starts the freeze and an unfreeze-phase step that ends it"},
	{"AR0807", SeverityError, "outage minimum above its maximum", "make minMinutes at most maxMinutes"},
	{"AR0901", SeverityError, "hands-on effort over the policy budget", "shorten steps, or move work into prerequisites that are done ahead of the window"},
	{"AR1001", SeverityError, "release dates out of version order", "a higher version cannot ship before a lower one"},
	{"AR1002", SeverityError, "too many majors in one year", "the policy allows policy.cadence.majorsPerYear majors each calendar year"},
	{"AR1003", SeverityWarning, "cadence slips", "releases are planned policy.cadence.monthsBetweenReleases months apart"},
	{"AR1101", SeverityError, "role cannot perform a privileged operation", "use a role whose Entra ID roles include one that can perform the operation"},
	{"AR1201", SeverityWarning, "vague estimate", "narrow the estimate: max is more than three times the estimate"},
	{"AR1202", SeverityWarning, "title is not imperative", "start the title with a verb, e.g. \"Deploy the backend\""},
	{"AR1203", SeverityWarning, "more privilege than needed", "use the least privileged role that can do the step"},
	{"AR1204", SeverityWarning, "several Global Administrator blocks", "group the Global Administrator steps so PIM is activated once"},
	{"AR1205", SeverityWarning, "script without -WhatIf support", "declare [CmdletBinding(SupportsShouldProcess)] so administrators can rehearse with -WhatIf"},
	{"AR1301", SeverityError, "invalid policy", "fix the value in atlas-release.yaml"},
	{"AR1401", SeverityError, "locale not set up", "give every locale after the first a folder locales/<locale>/ with language.yaml and templates/notes.md.tmpl and templates/upgrade-guide.md.tmpl"},
	{"AR1402", SeverityWarning, "translations for a locale that is not published", "add the locale to locales: in atlas-release.yaml, or remove its folder"},
	{"AR1403", SeverityError, "translation of an unknown release", "name the file locales/<locale>/releases/<version>.yaml after a release of the workspace"},
	{"AR1404", SeverityError, "text not translated", "translate every customer-facing text of the release, or remove the translation until it is complete"},
	{"AR1405", SeverityError, "translation of something that does not exist", "remove the entry or fix its id: it must name an item of the release or of the catalogue"},
	{"AR1406", SeverityError, "invalid language settings", "list twelve month names, January first, and a dateFormat with {day}, {month} and {year}"},
	{"AR1501", SeverityError, "customer runs an unknown version", "give the version the customer runs, one of the releases of the workspace"},
	{"AR1502", SeverityError, "invalid maintenance window", "give window.timeZone as an IANA time zone, e.g. Europe/Berlin"},
	{"AR1503", SeverityWarning, "customer locale not published", "use one of the workspace's locales, or add the locale to locales: in atlas-release.yaml"},
	{"AR1504", SeverityError, "duplicate customer", "give every customer of customers.yaml its own id"},
	{"AR1505", SeverityError, "stage missing or misplaced", "give every customer stage: implementation or stage: bau; internal entries have none"},
	{"AR1506", SeverityError, "entry in the wrong ring", "put the vendor's own environments (internal: true) in ring 0 and customers in a ring of policy.rings after it"},
	{"AR1507", SeverityError, "change board lead time missing or misplaced", "give changeProcess: cab customers cabLeadTimeDays; standard customers have none"},
	{"AR1601", SeverityError, "invalid standby time zone", "give the engineer's timeZone as an IANA time zone, e.g. Europe/London"},
	{"AR1602", SeverityError, "standby hours cover nothing", "give hours.to a time other than hours.from (24:00 ends at midnight; an end before the start ends the next day)"},
	{"AR1603", SeverityError, "duplicate standby engineer", "list every engineer once, by their ZenDesk agent email"},
	{"AR1604", SeverityError, "blackout ends before it starts", "give the blackout's first day as from and its last day as to"},
	{"AR1605", SeverityError, "invalid rollout history", "name history/<version>.yaml after a release of the workspace and record each customer of customers.yaml once"},
	{"AR1606", SeverityWarning, "estimates contradicted by actuals", "raise the elapsedMinutes of the window's steps (the manifest line named) so that the plan matches what upgrades took; see upgrades report"},
}

// RuleFor returns the rule with the given code.
func RuleFor(code string) (Rule, bool) {
	i, ok := slices.BinarySearchFunc(Rules, code, func(r Rule, c string) int { return cmp.Compare(r.Code, c) })
	if !ok {
		return Rule{}, false
	}
	return Rules[i], true
}

// reporter collects diagnostics for one file.
type reporter struct {
	file  string
	diags *Diagnostics
}

func (r reporter) report(p Pos, code, format string, args ...any) {
	rule, ok := RuleFor(code)
	if !ok {
		panic("releases: diagnostic with unregistered code " + code)
	}
	*r.diags = append(*r.diags, Diagnostic{
		File:     r.file,
		Pos:      p,
		Severity: rule.Severity,
		Code:     code,
		Message:  fmt.Sprintf(format, args...),
		Help:     rule.Help,
	})
}

// ValidationError is returned when a workspace does not validate.
type ValidationError struct {
	Diagnostics Diagnostics
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	n := e.Diagnostics.Errors()
	fmt.Fprintf(&b, "the workspace does not validate (%d error%s); run `atlas-release validate` for details", n, plural(n))
	shown := 0
	for _, d := range e.Diagnostics {
		if d.Severity != SeverityError {
			continue
		}
		if shown == 5 {
			fmt.Fprintf(&b, "\n  …")
			break
		}
		fmt.Fprintf(&b, "\n  %s", d)
		shown++
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
