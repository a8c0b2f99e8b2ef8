package releases

import (
	"errors"
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// ErrPathRefused is wrapped by every error that refuses an upgrade path.
var ErrPathRefused = errors.New("upgrade path refused")

// PathError explains why an upgrade path is refused and, when there is one, which
// version the customer must reach first.
type PathError struct {
	From, To *semver.Version
	// ReachFirst is the version to upgrade to before this path can be taken, if any.
	ReachFirst *semver.Version
	Reason     string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("cannot upgrade from %s to %s: %s", e.From, e.To, e.Reason)
}

func (e *PathError) Unwrap() error { return ErrPathRefused }

// Route returns the versions an upgrade from `from` to `to` lands on: the required
// stops strictly between them, then `to`. It refuses a path that starts below the
// policy's oldest version, from an unknown version, or below the minSource of a
// version it must reach, naming the version to reach first.
func (ws *Workspace) Route(from, to *semver.Version) ([]*Manifest, error) {
	refuse := func(first *semver.Version, format string, args ...any) error {
		return &PathError{From: from, To: to, ReachFirst: first, Reason: fmt.Sprintf(format, args...)}
	}
	if ws.Config == nil {
		return nil, errors.New("the workspace file " + ConfigFile + " is invalid; run validate")
	}
	target, ok := ws.Find(to)
	if !ok {
		return nil, refuse(nil, "%s is not a known version (known: %s)", to, ws.knownVersions())
	}
	oldest, err := ParseVersion(ws.Config.Policy.OldestVersion)
	if err != nil {
		return nil, err
	}
	if from.LessThan(oldest) {
		return nil, refuse(oldest, "%s is older than %s, the first version customers upgrade themselves; "+
			"versions before %s were deployed by the vendor, so ask the vendor to bring the tenant to %s first", from, oldest, oldest, oldest)
	}
	if !from.LessThan(to) {
		return nil, refuse(nil, "%s is not newer than %s", to, from)
	}
	if _, ok := ws.Find(from); !ok {
		return nil, refuse(nil, "%s is not a known version (known: %s)", from, ws.knownVersions())
	}
	var stops []*Manifest
	for _, m := range ws.Manifests {
		if m.version.GreaterThan(from) && m.version.LessThan(to) && m.IsRequiredStop() {
			stops = append(stops, m)
		}
	}
	stops = append(stops, target)
	start := from
	for _, stop := range stops {
		if first, ok := ws.allowedSource(stop, start); !ok {
			return nil, refuse(first, "%s can only be reached from %s or later (its minSource is %q); upgrade to %s first",
				stop.version, first, stop.MinSource, first)
		}
		start = stop.version
	}
	return stops, nil
}

// allowedSource reports whether source may upgrade straight to m under m's
// minSource; when it may not, it returns the oldest known version that may.
func (ws *Workspace) allowedSource(m *Manifest, source *semver.Version) (*semver.Version, bool) {
	c, err := minSourceConstraint(m.MinSource)
	if err != nil || c == nil || c.Check(source) {
		return nil, true
	}
	for _, other := range ws.Manifests {
		if other.version.LessThan(m.version) && c.Check(other.version) {
			return other.version, false
		}
	}
	return m.version, false
}

// minSourceConstraint parses a minSource: a plain version means "this version or
// later"; anything else is a SemVer constraint. Empty means no constraint.
func minSourceConstraint(s string) (*semver.Constraints, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if v, err := ParseVersion(s); err == nil {
		return semver.NewConstraint(">= " + v.String())
	}
	c, err := semver.NewConstraint(s)
	if err != nil {
		return nil, fmt.Errorf("minSource %q is neither a version nor a version constraint", s)
	}
	return c, nil
}

func (ws *Workspace) knownVersions() string {
	if len(ws.Manifests) == 0 {
		return "none"
	}
	names := make([]string, len(ws.Manifests))
	for i, m := range ws.Manifests {
		names[i] = m.version.String()
	}
	return strings.Join(names, ", ")
}

// Sources returns the versions that get a cumulative bundle when `to` is cut: the
// newest policy.bundleSources earlier versions from which a path to `to` exists.
func (ws *Workspace) Sources(to *semver.Version) []*Manifest {
	var out []*Manifest
	for i := len(ws.Manifests) - 1; i >= 0 && len(out) < ws.Config.Policy.BundleSources; i-- {
		m := ws.Manifests[i]
		if !m.version.LessThan(to) {
			continue
		}
		if _, err := ws.Route(m.version, to); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// BundlePaths composes the upgrade path of every bundle that a cut of `to`
// contains (see Sources), newest source first.
func (ws *Workspace) BundlePaths(to *semver.Version) ([]*Path, error) {
	var out []*Path
	for _, src := range ws.Sources(to) {
		p, err := ws.Plan(src.SemVer(), to)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
