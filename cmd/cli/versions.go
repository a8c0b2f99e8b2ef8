package cli

import (
	"github.com/Masterminds/semver/v3"

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

// pathArgs resolves --from and --to; --to defaults to the newest release.
func pathArgs(ws *releases.Workspace, from, to string) (*semver.Version, *semver.Version, error) {
	if from == "" {
		return nil, nil, usageErrorf("--from is required: the version the tenant runs now")
	}
	f, err := versionArg("--from", from)
	if err != nil {
		return nil, nil, err
	}
	if to == "" {
		if len(ws.Manifests) == 0 {
			return nil, nil, usageErrorf("the workspace has no releases")
		}
		return f, ws.Manifests[len(ws.Manifests)-1].SemVer(), nil
	}
	t, err := versionArg("--to", to)
	if err != nil {
		return nil, nil, err
	}
	return f, t, nil
}
