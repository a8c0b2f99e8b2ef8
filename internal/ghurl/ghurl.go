// Package ghurl is the one place for the rules of GitHub's addresses and tags:
// which web server serves the repositories of an API URL (github.com or a
// GitHub Enterprise Server), the tag of a release version, and where a
// release's page and files are. The client (ghrelease), the model's settings
// (releases), the cut's download links and the changelog's release links all
// take them from here, so that a link written into a signed upgrade guide is
// the one the published release serves.
//
// It is a leaf of the standard library only: the model and the clients, which
// import no other project package, may import it.
package ghurl

import (
	"fmt"
	"net/url"
	"strings"
)

// The addresses of github.com.
const (
	// PublicAPI is github.com's REST API.
	PublicAPI = "https://api.github.com"
	// PublicWeb is where github.com serves repositories and release files.
	PublicWeb = "https://github.com"
)

// Tag is the git tag of a release version: "4.3.0" → "v4.3.0".
func Tag(version string) string { return "v" + version }

// Parse reads an API URL. Empty or PublicAPI is github.com: api is "" and web
// PublicWeb. Anything else is a GitHub Enterprise Server API such as
// https://ghe.example.com/api/v3, returned without trailing slashes, whose
// repositories are served at the API's origin (https://ghe.example.com): GHES
// serves its API under /api/v3 of the host that serves its web pages. An URL
// without a host, or with credentials or a query, is refused; which schemes
// may carry a token is the client's policy, not checked here.
func Parse(apiURL string) (api, web string, err error) {
	apiURL = strings.TrimRight(strings.TrimSpace(apiURL), "/")
	if apiURL == "" || apiURL == PublicAPI {
		return "", PublicWeb, nil
	}
	u, err := url.Parse(apiURL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return "", "", fmt.Errorf("github: %q is not an API URL like https://ghe.example.com/api/v3", apiURL)
	}
	return apiURL, u.Scheme + "://" + u.Host, nil
}

// WebURL is the web server of the GitHub whose API is at apiURL (see Parse).
// For an API URL that Parse refuses — the client will refuse it before
// anything is published — it is that URL without "/api/v3", so that a link
// is still written and a bad setting shows in it.
func WebURL(apiURL string) string {
	if _, web, err := Parse(apiURL); err == nil {
		return web
	}
	return strings.TrimSuffix(strings.TrimRight(strings.TrimSpace(apiURL), "/"), "/api/v3")
}

// ReleaseURL is the web page of a repository's release of a tag:
// <web>/<owner>/<name>/releases/tag/<tag>. repository is "owner/name".
func ReleaseURL(web, repository, tag string) string {
	return fmt.Sprintf("%s/%s/releases/tag/%s", web, repository, url.PathEscape(tag))
}

// DownloadURL is where a file of a published release is downloaded from:
// <web>/<owner>/<name>/releases/download/<tag>/<file>. repository is
// "owner/name".
func DownloadURL(web, repository, tag, file string) string {
	return fmt.Sprintf("%s/%s/releases/download/%s/%s", web, repository, url.PathEscape(tag), url.PathEscape(file))
}
