package releases

import "testing"

// The links the model writes follow the server: github.com by default, the
// GitHub Enterprise Server of apiUrl otherwise.
func TestGitHubSettingsURLs(t *testing.T) {
	for _, tc := range []struct {
		api, release, download string
	}{
		{"", "https://github.com/acme/runbooks/releases/tag/v4.3.0", "https://github.com/acme/runbooks/releases/download/v4.3.0/SHA256SUMS"},
		{"https://api.github.com", "https://github.com/acme/runbooks/releases/tag/v4.3.0", "https://github.com/acme/runbooks/releases/download/v4.3.0/SHA256SUMS"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/acme/runbooks/releases/tag/v4.3.0", "https://ghe.example.com/acme/runbooks/releases/download/v4.3.0/SHA256SUMS"},
	} {
		g := &GitHubSettings{Repository: "acme/runbooks", APIURL: tc.api}
		if got := g.ReleaseURL("4.3.0"); got != tc.release {
			t.Errorf("apiUrl %q: ReleaseURL = %s, want %s", tc.api, got, tc.release)
		}
		if got := g.DownloadURL("4.3.0", "SHA256SUMS"); got != tc.download {
			t.Errorf("apiUrl %q: DownloadURL = %s, want %s", tc.api, got, tc.download)
		}
	}
}
