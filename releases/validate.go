package releases

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// Validate runs every rule over the workspace and returns the loader's and the
// validator's diagnostics together, sorted by file and position. Manifests with
// structural errors are left out of the semantic rules: their values cannot be
// trusted, and the structural errors say what to fix first.
func (ws *Workspace) Validate() Diagnostics {
	diags := slices.Clone(ws.Diagnostics)
	if ws.Config == nil {
		return diags.Sort()
	}
	v := &validator{ws: ws, cfg: ws.Config, diags: &diags, scripts: map[string]bool{}}
	if v.config() {
		for _, m := range ws.Manifests {
			v.manifest(m)
		}
		v.history()
		v.translations()
		v.customers()
		// A manifest that did not load leaves a gap in the sequence of
		// releases: judging the cadence, the paths or the installs across it
		// would blame other files for that file's errors.
		if !ws.incomplete() {
			v.installs()
			v.cadence()
			v.effort()
			v.combinations()
			v.fleet()
		}
	}
	return diags.Sort()
}

type validator struct {
	ws      *Workspace
	cfg     *Config
	diags   *Diagnostics
	oldest  *semver.Version
	scripts map[string]bool // script path → declares SupportsShouldProcess
}

func (v *validator) at(file string) reporter { return reporter{file, v.diags} }

// config checks atlas-release.yaml and reports whether manifests can be checked
// against it.
func (v *validator) config() bool {
	r := v.at(ConfigFile)
	seen := map[string]Pos{}
	for _, role := range v.cfg.Roles {
		unique(r, seen, "role", role.ID, role.PosOf("id"))
	}
	seen = map[string]Pos{}
	for _, f := range v.cfg.Features {
		unique(r, seen, "feature", f.ID, f.PosOf("id"))
	}
	seen = map[string]Pos{}
	for i, l := range v.cfg.Locales {
		unique(r, seen, "locale", l, v.cfg.PosOf("locales."+strconv.Itoa(i)))
	}
	oldest, err := ParseVersion(v.cfg.Policy.OldestVersion)
	if err != nil {
		r.report(v.cfg.Policy.PosOf("oldestVersion"), "AR1301", "policy.oldestVersion: %v", err)
		return false
	}
	v.oldest = oldest
	return true
}

func unique(r reporter, seen map[string]Pos, what, id string, p Pos) {
	if first, dup := seen[id]; dup {
		code := "AR0303"
		if r.file != ConfigFile {
			code = "AR0301"
		}
		r.report(p, code, "%s id %q is already used at line %d", what, id, first.Line)
		return
	}
	seen[id] = p
}

func (v *validator) manifest(m *Manifest) {
	r := v.at(m.file)
	v.kind(r, m)

	ids := map[string]Pos{}
	for _, f := range m.Features {
		unique(r, ids, "feature", f.ID, f.PosOf("id"))
	}
	for _, o := range m.Outages {
		unique(r, ids, "outage", o.ID, o.PosOf("id"))
	}
	for _, p := range m.Prerequisites {
		unique(r, ids, "prerequisite", p.ID, p.PosOf("id"))
		v.role(r, p.Role, p.PosOf("role"))
	}
	dedupe := map[string]Pos{}
	for i := range m.Steps {
		s := &m.Steps[i]
		unique(r, ids, "step", s.ID, s.PosOf("id"))
		if s.Repeat == RepeatSupersede && s.DedupeKey != "" {
			unique(r, dedupe, "supersede dedupeKey", s.DedupeKey, s.PosOf("dedupeKey"))
		}
		v.step(r, s)
	}
	v.outages(r, m)
	v.dependencies(r, m)
	v.freeze(r, m)
	v.major(r, m)
	v.minSource(r, m)
	v.adminBlocks(r, m)
	v.install(r, m)
}

func (v *validator) kind(r reporter, m *Manifest) {
	ver := m.version
	var want Kind
	switch {
	case ver.Minor() == 0 && ver.Patch() == 0:
		want = Major
	case ver.Patch() == 0:
		want = Minor
	default:
		want = Patch
	}
	if m.Kind != want {
		r.report(m.PosOf("kind"), "AR0203", "kind is %s, but %s is a %s version", m.Kind, ver, want)
	}
}

func (v *validator) role(r reporter, id string, p Pos) *Role {
	role := v.cfg.Role(id)
	if role == nil {
		known := make([]string, len(v.cfg.Roles))
		for i, r := range v.cfg.Roles {
			known[i] = r.ID
		}
		r.report(p, "AR0401", "unknown role %q%s", id, suggest(id, known))
	}
	return role
}

func (v *validator) step(r reporter, s *Step) {
	role := v.role(r, s.Role, s.PosOf("role"))

	// Durations.
	if s.Kind != KindWait && s.HandsOnMinutes == 0 {
		r.report(s.PosOf("handsOnMinutes"), "AR0601", "step %q takes no hands-on time; only wait steps may", s.ID)
	}
	el := s.ElapsedMinutes
	switch {
	case el.Estimate == 0:
		r.report(el.PosOf("estimate"), "AR0602", "step %q: the elapsed estimate must be more than 0 minutes", s.ID)
	case el.Estimate > el.Max:
		r.report(el.PosOf("max"), "AR0602", "step %q: the elapsed maximum (%d) is below the estimate (%d)", s.ID, el.Max, el.Estimate)
	case s.HandsOnMinutes > el.Estimate:
		r.report(s.PosOf("handsOnMinutes"), "AR0602", "step %q: %d hands-on minutes cannot fit in an elapsed estimate of %d", s.ID, s.HandsOnMinutes, el.Estimate)
	case el.Max > 3*el.Estimate:
		r.report(el.PosOf("max"), "AR1201", "step %q: the maximum (%d) is more than three times the estimate (%d)", s.ID, el.Max, el.Estimate)
	}

	// Rollback, repeat.
	if (s.Rollback.Instructions == "") == (s.Rollback.None == "") {
		r.report(s.PosOf("rollback"), "AR0603", "step %q: give either rollback.instructions or rollback.none with the reason, not %s",
			s.ID, map[bool]string{true: "neither", false: "both"}[s.Rollback.Instructions == ""])
	}
	if s.Repeat == RepeatSupersede && s.DedupeKey == "" {
		r.report(s.PosOf("repeat"), "AR0605", "step %q supersedes earlier steps but has no dedupeKey", s.ID)
	}

	// Script.
	switch {
	case s.Kind == KindScript && s.Script == "":
		r.report(s.PosOf("kind"), "AR0604", "script step %q names no script", s.ID)
	case s.Kind != KindScript && s.Kind != KindVerification && s.Script != "":
		r.report(s.PosOf("script"), "AR0604", "step %q is a %s step but names a script; only script and verification steps run scripts", s.ID, s.Kind)
	case s.Script != "":
		v.script(r, s)
	}

	if title := s.Title; !imperative(title) {
		r.report(s.PosOf("title"), "AR1202", "step title %q does not start with a verb", firstLine(title))
	}
	v.grants(r, s, role)
}

func (v *validator) script(r reporter, s *Step) {
	p := s.PosOf("script")
	if !fs.ValidPath(s.Script) || !strings.HasPrefix(s.Script, ScriptsDir+"/") {
		r.report(p, "AR0405", "script %q must be a path under %s/, with forward slashes", s.Script, ScriptsDir)
		return
	}
	// The script goes into every bundle, whose entries are portable names
	// (TRUST.md): the cut would refuse any other, so validation says it first.
	if i := strings.IndexFunc(s.Script, func(r rune) bool { return !portableNameRune(r) }); i >= 0 {
		r.report(p, "AR0405", "script %q: the name may hold only letters A-Z and a-z, digits, '.', '_', '-' and '/', not %q", s.Script, []rune(s.Script[i:])[0])
		return
	}
	whatIf, seen := v.scripts[s.Script]
	if !seen {
		head, err := readHead(v.ws.FS, s.Script, 64<<10)
		if err != nil {
			r.report(p, "AR0405", "script %s", unreadable(s.Script, err))
			return
		}
		whatIf = bytes.Contains(bytes.ToLower(head), []byte("supportsshouldprocess"))
		v.scripts[s.Script] = whatIf
		v.scriptPlaceholders(s.Script)
	}
	if !whatIf {
		r.report(p, "AR1205", "script %s has no -WhatIf support (SupportsShouldProcess)", s.Script)
	}
}

// scriptPlaceholders reports a FILL IN left in a script, at its first one
// (AR0108, on the script): the placeholder script that `new` writes says
// "FILL IN" where the deployment is to be described and fails when run, and
// the cut must not sign it and ship it to customers. A script the file system
// refuses is reported on the step (AR0405) already.
func (v *validator) scriptPlaceholders(name string) {
	f, err := openRegular(v.ws.FS, name)
	if err != nil {
		return
	}
	defer f.Close()
	p, text, more, found, err := findPlaceholder(f)
	if err != nil || !found {
		return
	}
	also := ""
	if more > 0 {
		also = fmt.Sprintf(" (and %d more line%s)", more, plural(more))
	}
	v.at(name).report(p, "AR0108", "the script still holds the placeholder %q%s: write the script, then remove it", text, also)
}

// findPlaceholder finds the first "FILL IN" of a text read from r, and says at
// which line and column (counted in characters), the rest of its line (cut
// short), and on how many more lines one is. It reads r once, in a bounded
// buffer: scripts have no size limit, and a long line must not be held whole.
func findPlaceholder(r io.Reader) (p Pos, text string, more int, found bool, err error) {
	const maxQuote = 256 // bytes: firstLine keeps 60 characters of them
	br := bufio.NewReaderSize(r, 32<<10)
	line, col := 1, 0
	k := 0 // bytes of the placeholder matched so far
	var start Pos
	var quote []byte // the first one's text, while its line lasts
	quoting := false
	lastLine := 0 // the line of the last placeholder found
	for {
		b, rerr := br.ReadByte()
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return Pos{}, "", 0, false, rerr
		}
		if quoting {
			if b == '\n' || b == '\r' || len(quote) >= maxQuote {
				quoting = false
			} else {
				quote = append(quote, b)
			}
		}
		if b&0xC0 != 0x80 { // not a UTF-8 continuation byte: a new character
			col++
		}
		// No byte of "FILL IN" but its first is an 'F', so a failed match
		// can only restart at the byte that broke it.
		switch b {
		case placeholder[k]:
			if k == 0 {
				start = Pos{line, col}
			}
			k++
		case placeholder[0]:
			start, k = Pos{line, col}, 1
		default:
			k = 0
		}
		if k == len(placeholder) {
			k = 0
			switch {
			case !found:
				found, p, lastLine = true, start, start.Line
				quote, quoting = append([]byte(nil), placeholder...), true
			case start.Line != lastLine:
				more++
				lastLine = start.Line
			}
		}
		if b == '\n' {
			line, col = line+1, 0
		}
	}
	return p, firstLine(strings.ToValidUTF8(string(quote), "\uFFFD")), more, found, nil
}

// portableNameRune reports whether r may stand in a bundle entry's name.
func portableNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r)
}

// readHead reads the first n bytes of a regular file inside the workspace: a
// script declares its parameters at the top, and a large file must not be read
// whole. A link or a special file is refused, as the cut would refuse it.
func readHead(fsys fs.FS, name string, n int64) ([]byte, error) {
	f, err := openRegular(fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// grants checks that the step's role can perform every privileged operation it
// declares, and that it is not more privileged than those operations need.
func (v *validator) grants(r reporter, s *Step, role *Role) {
	table := Privileges()
	var ops []*PrivilegedOperation
	for i, g := range s.Grants {
		op := table.Operation(g)
		if op == nil {
			known := make([]string, len(table.Operations))
			for i, o := range table.Operations {
				known[i] = o.ID
			}
			r.report(s.PosOf("grants."+strconv.Itoa(i)), "AR0407", "unknown privileged operation %q%s", g, suggest(g, known))
			continue
		}
		ops = append(ops, op)
		if role != nil && !canPerform(role, op) {
			r.report(s.PosOf("grants."+strconv.Itoa(i)), "AR1101", "step %q: role %q cannot %s; that takes %s (privilege table of %s)",
				s.ID, role.ID, lowerFirst(op.Description), orList(op.EntraRoles), table.Checked)
		}
	}
	if !role.NeedsGlobalAdmin() {
		return
	}
	if len(s.Grants) == 0 {
		r.report(s.PosOf("role"), "AR1203", "step %q needs a Global Administrator but declares no privileged operation in grants; use a less privileged role or list what it grants", s.ID)
		return
	}
	for i := range v.cfg.Roles {
		alt := &v.cfg.Roles[i]
		if alt.NeedsGlobalAdmin() {
			continue
		}
		if !slices.ContainsFunc(ops, func(op *PrivilegedOperation) bool { return !canPerform(alt, op) }) && len(ops) == len(s.Grants) {
			r.report(s.PosOf("role"), "AR1203", "step %q uses a Global Administrator, but role %q (%s) can do everything it grants", s.ID, alt.ID, alt.EntraRoles[0])
			return
		}
	}
}

// canPerform reports whether whoever fills the role can perform the operation:
// every Entra ID role that satisfies it must be allowed to, not just the most
// privileged one.
func canPerform(role *Role, op *PrivilegedOperation) bool {
	if len(role.EntraRoles) == 0 {
		return false
	}
	for _, e := range role.EntraRoles {
		if !slices.Contains(op.EntraRoles, e) {
			return false
		}
	}
	return true
}

func (v *validator) outages(r reporter, m *Manifest) {
	known := make([]string, len(v.cfg.Features))
	for i, f := range v.cfg.Features {
		known[i] = f.ID
	}
	for _, o := range m.Outages {
		if v.cfg.Feature(o.Feature) == nil {
			r.report(o.PosOf("feature"), "AR0402", "unknown feature %q%s", o.Feature, suggest(o.Feature, known))
		}
		if o.MinMinutes > o.MaxMinutes {
			r.report(o.PosOf("minMinutes"), "AR0807", "outage %q: minMinutes (%d) is above maxMinutes (%d)", o.ID, o.MinMinutes, o.MaxMinutes)
		}
		if o.MaxMinutes > v.cfg.Policy.MaxOutageMinutes && strings.TrimSpace(o.Justification) == "" {
			r.report(o.PosOf("maxMinutes"), "AR0804", "outage %q may last %d minutes, over the policy maximum of %d, and has no justification",
				o.ID, o.MaxMinutes, v.cfg.Policy.MaxOutageMinutes)
		}
		for i, id := range o.CausedBy {
			s := m.step(id)
			switch {
			case s == nil:
				r.report(o.PosOf("causedBy."+strconv.Itoa(i)), "AR0404", "outage %q is caused by unknown step %q%s", o.ID, id, suggest(id, stepIDs(m)))
			case !slices.Contains(s.CausesOutage, o.ID):
				r.report(o.PosOf("causedBy."+strconv.Itoa(i)), "AR0803", "outage %q names step %q in causedBy, but the step does not list %q in causesOutage", o.ID, id, o.ID)
			}
		}
	}
	for i := range m.Steps {
		s := &m.Steps[i]
		for j, id := range s.CausesOutage {
			o := m.outage(id)
			switch {
			case o == nil:
				r.report(s.PosOf("causesOutage."+strconv.Itoa(j)), "AR0802", "step %q causes undeclared outage %q", s.ID, id)
			case !slices.Contains(o.CausedBy, s.ID):
				r.report(s.PosOf("causesOutage."+strconv.Itoa(j)), "AR0803", "step %q lists outage %q, but the outage's causedBy does not name the step", s.ID, id)
			}
		}
	}
}

func (m *Manifest) outage(id string) *Outage {
	for i := range m.Outages {
		if m.Outages[i].ID == id {
			return &m.Outages[i]
		}
	}
	return nil
}

func stepIDs(m *Manifest) []string {
	ids := make([]string, len(m.Steps))
	for i, s := range m.Steps {
		ids[i] = s.ID
	}
	return ids
}

// dependencies checks that dependsOn names known steps of the same or an earlier
// phase, without cycles.
func (v *validator) dependencies(r reporter, m *Manifest) {
	for i := range m.Steps {
		s := &m.Steps[i]
		for j, id := range s.DependsOn {
			d := m.step(id)
			p := s.PosOf("dependsOn." + strconv.Itoa(j))
			switch {
			case d == nil && m.release != nil && m.release.step(id) != nil:
				// An install step waiting for an upgrade step of its release.
				r.report(p, "AR1702", "install step %q depends on %q, an upgrade step that new deployments do not run; add it to install.steps or drop the dependency", s.ID, id)
			case d == nil:
				r.report(p, "AR0403", "step %q depends on unknown step %q%s", s.ID, id, suggest(id, stepIDs(m)))
			case d.Phase.Rank() > s.Phase.Rank():
				r.report(p, "AR0502", "step %q (%s phase) depends on %q of the later %s phase", s.ID, s.Phase, id, d.Phase)
			}
		}
	}
	// Depth-first search; a step met again while still on the stack closes a cycle.
	const (
		unvisited = iota
		onStack
		done
	)
	state := make(map[string]int, len(m.Steps))
	var stack []string
	var visit func(s *Step)
	visit = func(s *Step) {
		state[s.ID] = onStack
		stack = append(stack, s.ID)
		for j, id := range s.DependsOn {
			d := m.step(id)
			if d == nil {
				continue
			}
			switch state[id] {
			case onStack:
				cycle := append(slices.Clone(stack[slices.Index(stack, id):]), id)
				r.report(s.PosOf("dependsOn."+strconv.Itoa(j)), "AR0501", "steps depend on each other in a cycle: %s", strings.Join(cycle, " → "))
			case unvisited:
				visit(d)
			}
		}
		stack = stack[:len(stack)-1]
		state[s.ID] = done
	}
	for i := range m.Steps {
		if state[m.Steps[i].ID] == unvisited {
			visit(&m.Steps[i])
		}
	}
}

// freeze checks that a content freeze has steps that start and end it, and that
// every outage happens while content is frozen.
func (v *validator) freeze(r reporter, m *Manifest) {
	if m.Freeze() == FreezeNotNeeded {
		return
	}
	has := map[Phase]bool{}
	for _, s := range m.Steps {
		has[s.Phase] = true
	}
	if !has[PhaseFreeze] || !has[PhaseUnfreeze] {
		r.report(m.PosOf("contentFreeze"), "AR0806", "content freeze is %s, but no step is in the %s phase",
			m.Freeze(), map[bool]Phase{true: PhaseUnfreeze, false: PhaseFreeze}[has[PhaseFreeze]])
	}
	for i := range m.Steps {
		s := &m.Steps[i]
		if len(s.CausesOutage) > 0 && s.Phase != PhaseDeploy && s.Phase != PhaseVerify {
			r.report(s.PosOf("phase"), "AR0805", "step %q causes an outage in the %s phase, outside the content freeze (deploy and verify phases)", s.ID, s.Phase)
		}
	}
}

func (v *validator) major(r reporter, m *Manifest) {
	if m.Kind != Major {
		return
	}
	p := m.PosOf("kind")
	if len(m.Prerequisites) == 0 {
		r.report(p, "AR0701", "major release %s declares no prerequisites", m.version)
	}
	if m.ContentFreeze == nil {
		r.report(p, "AR0702", "major release %s declares no content-freeze decision", m.version)
	}
	if m.RequiredStop == nil {
		r.report(p, "AR0704", "major release %s must state requiredStop", m.version)
	}
	if min := v.cfg.Policy.MajorLeadTimeDays; m.LeadTimeDays < min {
		r.report(m.PosOf("leadTimeDays"), "AR0703", "major release %s gives %d days of lead time; the policy asks for at least %d", m.version, m.LeadTimeDays, min)
	}
}

func (v *validator) minSource(r reporter, m *Manifest) {
	if m.MinSource == "" {
		return
	}
	p := m.PosOf("minSource")
	c, err := minSourceConstraint(m.MinSource)
	if err != nil {
		r.report(p, "AR0406", "%v", err)
		return
	}
	if src, err := ParseVersion(m.MinSource); err == nil {
		if _, ok := v.ws.Find(src); (!ok && !v.ws.unloaded(src)) || !src.LessThan(m.version) {
			r.report(p, "AR0406", "minSource %s is not a known version older than %s", src, m.version)
		}
		return
	}
	for _, other := range v.ws.Manifests {
		if other.version.LessThan(m.version) && c.Check(other.version) {
			return
		}
	}
	if v.ws.incomplete() {
		return // the manifest that did not load may satisfy it
	}
	r.report(p, "AR0406", "no known version older than %s satisfies minSource %q", m.version, m.MinSource)
}

// adminBlocks warns when a release needs a Global Administrator in several
// separate blocks: each block is one more PIM activation for the customer.
func (v *validator) adminBlocks(r reporter, m *Manifest) {
	hop := &Hop{From: m.version, To: m.version, Releases: []*Manifest{m}}
	standIn := make(map[*Step]*PlannedStep, len(m.Steps))
	planned := make([]PlannedStep, len(m.Steps)) // allocated together, for every release
	hop.Steps = make([]*PlannedStep, len(m.Steps))
	for i := range m.Steps {
		s := &m.Steps[i]
		ps := &planned[i]
		*ps = PlannedStep{Step: s, Release: m, Anchor: s.ID, key: orderKey{s.Phase.Rank(), 0, i}}
		standIn[s] = ps
		hop.Steps[i] = ps
	}
	if order(hop, standIn, v.cfg) != nil {
		return // a cycle, reported by dependencies
	}
	blocks := gaBlocks(hop.Steps, v.cfg)
	if len(blocks) < 2 {
		return
	}
	names := make([]string, len(blocks))
	for i, b := range blocks {
		names[i] = strings.Join(b.Steps, ", ")
	}
	second := m.step(blocks[1].Steps[0])
	r.report(second.PosOf("role"), "AR1204", "a Global Administrator is needed in %d separate blocks (%s); customers will activate PIM %d times",
		len(blocks), strings.Join(names, " | "), len(blocks))
}

// history checks rules across releases: a step id keeps its meaning.
func (v *validator) history() {
	type origin struct {
		title   string
		kind    StepKind
		version *semver.Version
	}
	first := map[string]origin{}
	for _, m := range v.ws.Manifests {
		r := v.at(m.file)
		for _, s := range m.Steps {
			o, seen := first[s.ID]
			if !seen {
				first[s.ID] = origin{s.Title, s.Kind, m.version}
				continue
			}
			switch {
			case o.title != s.Title:
				r.report(s.PosOf("title"), "AR0302", "step id %q meant %q in %s; a reused id must keep its title", s.ID, o.title, o.version)
			case o.kind != s.Kind:
				r.report(s.PosOf("kind"), "AR0302", "step id %q was a %s step in %s; a reused id must keep its kind", s.ID, o.kind, o.version)
			}
		}
	}
}

// cadence checks release dates: in version order, at most the policy's majors per
// calendar year, and close to the planned rhythm.
func (v *validator) cadence() {
	c := v.cfg.Policy.Cadence
	var prev *Manifest
	majors := map[int][]*Manifest{}
	lines := map[string]*Manifest{} // "X.Y" → the X.Y.0 release
	for _, m := range v.ws.Manifests {
		r := v.at(m.file)
		p := m.PosOf("releaseDate")
		if m.Kind == Major {
			majors[m.ReleaseDate.Year()] = append(majors[m.ReleaseDate.Year()], m)
		}
		line := fmt.Sprintf("%d.%d", m.version.Major(), m.version.Minor())
		if m.version.Patch() > 0 {
			// Patches of older lines may ship after newer releases; they only
			// follow their own line.
			if base := lines[line]; base != nil && m.ReleaseDate.Before(base.ReleaseDate) {
				r.report(p, "AR1001", "%s ships on %s, before %s (%s)", m.version, m.ReleaseDate, base.version, base.ReleaseDate)
			}
			continue
		}
		lines[line] = m
		if prev != nil {
			if m.ReleaseDate.Before(prev.ReleaseDate) {
				r.report(p, "AR1001", "%s ships on %s, before %s (%s)", m.version, m.ReleaseDate, prev.version, prev.ReleaseDate)
			} else if want := prev.ReleaseDate.AddMonths(c.MonthsBetweenReleases); abs(want.DaysUntil(m.ReleaseDate)) > c.ToleranceDays {
				r.report(p, "AR1003", "%s ships on %s, %d days from the cadence (%d months after %s: %s)",
					m.version, m.ReleaseDate, abs(want.DaysUntil(m.ReleaseDate)), c.MonthsBetweenReleases, prev.version, want)
			}
		}
		prev = m
	}
	years := make([]int, 0, len(majors))
	for y := range majors {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		for _, m := range majors[y][min(len(majors[y]), c.MajorsPerYear):] {
			v.at(m.file).report(m.PosOf("releaseDate"), "AR1002", "%s is major number %d of %d; the policy allows %d a year",
				m.version, slices.Index(majors[y], m)+1, y, c.MajorsPerYear)
		}
	}
}

// effort checks that every single upgrade (one hop: from a version straight to a
// later one, with no required stop between) stays within the hands-on budget.
func (v *validator) effort() {
	budget := v.cfg.Policy.HandsOnBudgetMinutes
	for t := len(v.ws.Manifests) - 1; t > 0; t-- {
		target := v.ws.Manifests[t]
		var over []string
		worst := 0
		for _, h := range v.ws.directHopEfforts(t, v.oldest) {
			if h.minutes > budget {
				over = append(over, fmt.Sprintf("%s: %d", h.source.version, h.minutes))
				worst = max(worst, h.minutes)
			}
		}
		if len(over) > 0 {
			v.at(target.file).report(target.PosOf("steps"), "AR0901", "upgrading to %s takes up to %d minutes of hands-on effort, over the policy budget of %d (from %s)",
				target.version, worst, budget, strings.Join(over, "; "))
		}
	}
}

// combinations checks every direct upgrade: releases that each order their steps
// consistently can still order superseding steps both ways round, and then no
// combined runbook exists. Only whether an order exists matters here, so the
// hops are not composed: hopOrder selects the steps as the composer does and
// looks for steps stuck in a cycle with a plain topological sort.
func (v *validator) combinations() {
	c := newHopOrder(v.ws.Manifests)
	for t := 1; t < len(v.ws.Manifests); t++ {
		target := v.ws.Manifests[t]
		for _, h := range v.ws.directHopEfforts(t, v.oldest) {
			if err := c.check(h.source.version, target.version, v.ws.between(h.source.version, target.version)); err != nil {
				v.at(target.file).report(target.PosOf("steps"), "AR0501", "%v", err)
				break
			}
		}
	}
}

type hopEffort struct {
	source  *Manifest
	minutes int
}

// directHopEfforts returns the hands-on minutes of every direct upgrade to the
// t-th manifest, newest source first. It adds releases newest first, applying the
// composer's rules incrementally (the newest supersede step of a key runs, the
// oldest once step of a key runs, every always step runs), so that checking every
// hop costs one pass over the steps per target instead of one composition per hop.
func (ws *Workspace) directHopEfforts(t int, oldest *semver.Version) []hopEffort {
	target := ws.Manifests[t]
	total := 0
	superseded := map[string]bool{}
	once := map[string]int{}
	var out []hopEffort
	for s := t; s >= 1; s-- {
		rel := ws.Manifests[s]
		if s < t && rel.IsRequiredStop() {
			break
		}
		for i := len(rel.Steps) - 1; i >= 0; i-- {
			st := &rel.Steps[i]
			switch st.Repeat {
			case RepeatSupersede:
				if !superseded[st.DedupeKey] {
					superseded[st.DedupeKey] = true
					total += st.HandsOnMinutes
				}
			case RepeatOnce:
				total += st.HandsOnMinutes - once[onceKey(st)]
				once[onceKey(st)] = st.HandsOnMinutes
			default:
				total += st.HandsOnMinutes
			}
		}
		source := ws.Manifests[s-1]
		if source.version.LessThan(oldest) {
			break
		}
		if _, ok := ws.allowedSource(target, source.version); ok {
			out = append(out, hopEffort{source, total})
		}
	}
	return out
}

// imperative guesses whether a title starts with a verb in the imperative. It
// catches the usual slips: articles and pronouns, gerunds and past tenses. Noun
// endings are no guide (provision, document and comment are verbs too).
func imperative(title string) bool {
	fields := strings.Fields(title)
	if len(fields) == 0 {
		return true
	}
	w := strings.ToLower(strings.Trim(fields[0], ".,:;!?\"'()"))
	switch w {
	case "the", "a", "an", "this", "these", "that", "our", "we", "it", "new":
		return false
	case "bring", "string", "ping", "sing", "ring", "swing", "embed", "shed", "shred", "need":
		return true
	}
	for _, suffix := range []string{"ing", "ed"} {
		if len(w) > len(suffix)+2 && strings.HasSuffix(w, suffix) && !strings.HasSuffix(w, "eed") {
			return false
		}
	}
	return true
}

func abs(n int) int { return max(n, -n) }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func orList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
