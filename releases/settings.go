package releases

import "github.com/atlas-release/atlas-release/internal/ghurl"

// The rules of GitHub's addresses and tags are internal/ghurl's, shared with
// the GitHub client: the links written here are the ones a release serves.

// WebURL is the web server of the repository: https://github.com, or the
// GitHub Enterprise Server of APIURL.
func (g *GitHubSettings) WebURL() string { return ghurl.WebURL(g.APIURL) }

// ReleaseURL is the web page of the GitHub release of version, e.g.
// https://github.com/acme/runbooks/releases/tag/v4.3.0.
func (g *GitHubSettings) ReleaseURL(version string) string {
	return ghurl.ReleaseURL(g.WebURL(), g.Repository, ghurl.Tag(version))
}

// DownloadURL is where a file of the GitHub release of version is downloaded
// from, e.g. https://github.com/acme/runbooks/releases/download/v4.3.0/SHA256SUMS.
func (g *GitHubSettings) DownloadURL(version, file string) string {
	return ghurl.DownloadURL(g.WebURL(), g.Repository, ghurl.Tag(version), file)
}
