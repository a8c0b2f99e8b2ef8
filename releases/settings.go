package releases

import (
	"fmt"
	"net/url"
	"strings"
)

// DownloadURL is where a file of the GitHub release of version is downloaded
// from, e.g. https://github.com/acme/runbooks/releases/download/v4.3.0/SHA256SUMS.
func (g *GitHubSettings) DownloadURL(version, file string) string {
	base := "https://github.com"
	if g.APIURL != "" {
		base = strings.TrimSuffix(strings.TrimSuffix(g.APIURL, "/"), "/api/v3")
	}
	return fmt.Sprintf("%s/%s/releases/download/v%s/%s", base, g.Repository, version, url.PathEscape(file))
}
