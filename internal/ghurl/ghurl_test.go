package ghurl

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, api, web string
		bad          bool
	}{
		{in: "", web: "https://github.com"},
		{in: "  ", web: "https://github.com"},
		{in: "https://api.github.com", web: "https://github.com"},
		{in: "https://api.github.com/", web: "https://github.com"},
		{in: "https://ghe.example.com/api/v3", api: "https://ghe.example.com/api/v3", web: "https://ghe.example.com"},
		{in: " https://ghe.example.com/api/v3/ ", api: "https://ghe.example.com/api/v3", web: "https://ghe.example.com"},
		{in: "https://ghe.example.com:8443/api/v3", api: "https://ghe.example.com:8443/api/v3", web: "https://ghe.example.com:8443"},
		{in: "http://127.0.0.1:4000/api/v3", api: "http://127.0.0.1:4000/api/v3", web: "http://127.0.0.1:4000"},
		{in: "ghe.example.com/api/v3", bad: true},
		{in: "https://user:pw@ghe.example.com/api/v3", bad: true},
		{in: "https://ghe.example.com/api/v3?x=1", bad: true},
		{in: "https://ghe.example.com/%zz", bad: true},
	} {
		api, web, err := Parse(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("Parse(%q): error %v, want bad=%v", tc.in, err, tc.bad)
			continue
		}
		if api != tc.api || web != tc.web {
			t.Errorf("Parse(%q) = %q, %q, want %q, %q", tc.in, api, web, tc.api, tc.web)
		}
	}
}

func TestWebURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "https://github.com",
		"https://api.github.com":          "https://github.com",
		"https://ghe.example.com/api/v3":  "https://ghe.example.com",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com",
		// Refused by Parse: the link shows the bad setting.
		"ghe.example.com/api/v3/": "ghe.example.com",
	} {
		if got := WebURL(in); got != want {
			t.Errorf("WebURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReleaseAddresses(t *testing.T) {
	if got := Tag("4.3.0-rc.1"); got != "v4.3.0-rc.1" {
		t.Errorf("Tag = %q", got)
	}
	for _, tc := range []struct{ got, want string }{
		{ReleaseURL("https://github.com", "acme/runbooks", "v4.3.0"), "https://github.com/acme/runbooks/releases/tag/v4.3.0"},
		{ReleaseURL("https://ghe.example.com", "acme/runbooks", "v4.3.0+build.1"), "https://ghe.example.com/acme/runbooks/releases/tag/v4.3.0+build.1"},
		{DownloadURL("https://github.com", "acme/runbooks", "v4.3.0", "SHA256SUMS"), "https://github.com/acme/runbooks/releases/download/v4.3.0/SHA256SUMS"},
		{DownloadURL("https://ghe.example.com", "acme/runbooks", "v4.3.0", "a b/c.tar.gz"), "https://ghe.example.com/acme/runbooks/releases/download/v4.3.0/a%20b%2Fc.tar.gz"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}
