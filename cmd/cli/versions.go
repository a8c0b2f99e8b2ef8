package cli

import (
	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// versionArg parses a version typed on the command line ("4.3" or "4.3.0").
func versionArg(flag, s string) (*semver.Version, error) {
	v, err := releases.ParseVersionArg(s)
	if err != nil {
		if flag != "" {
			return nil, usageErrorf("%s: %v", flag, err)
		}
		return nil, usageErrorf("%v", err)
	}
	return v, nil
}

// pathArgs resolves --from and --to; --to defaults to the newest release. The
// workspace says which --to it has no release of (ws.Release); --from is the
// path's to judge (ws.Route), since a version below the oldest one customers
// upgrade themselves has no manifest and deserves its own answer.
func pathArgs(ws *releases.Workspace, from, to string) (*semver.Version, *semver.Version, error) {
	if from == "" {
		return nil, nil, usageErrorf("--from is required: the version the tenant runs now (or --install VERSION for a new tenant)")
	}
	f, err := versionArg("--from", from)
	if err != nil {
		return nil, nil, err
	}
	if to == "" {
		latest, err := ws.Latest()
		if err != nil {
			return nil, nil, err
		}
		return f, latest.SemVer(), nil
	}
	t, err := versionArg("--to", to)
	if err != nil {
		return nil, nil, err
	}
	if _, err := ws.Release(t); err != nil {
		return nil, nil, err
	}
	return f, t, nil
}

// completeVersions offers the workspace's versions for shell completion.
func completeVersions(f *Factory) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		ws, err := f.Workspace()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, m := range ws.Manifests {
			out = append(out, m.SemVer().String())
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
