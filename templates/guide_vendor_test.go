package templates_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/atlas-release/atlas-release/templates"
)

// TestGuideVendorDeployed: the guide sends customers of versions before the
// oldest self-service one to the vendor only when such versions exist.
func TestGuideVendorDeployed(t *testing.T) {
	tests := []struct {
		oldest  string
		version string
		want    bool
	}{
		{oldest: "4.0.0", version: "4.0.0", want: true},  // self-service started at 4.0: 1.x to 3.x were earlier
		{oldest: "4.1.0", version: "4.1.0", want: true},  // 4.0.0 is a release before it
		{oldest: "1.0.0", version: "4.0.0", want: false}, // the product's first version: nothing before it
		{oldest: "0.1.0", version: "4.0.0", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.oldest, func(t *testing.T) {
			ws, set := example(t)
			ws.Config.Policy.OldestVersion = tc.oldest
			g, err := templates.NewGuide(ws, mustVersion(t, tc.version), nil, templates.Signing{Snapshot: true}, "test", func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := set.RenderGuide(&b, g, templates.Markdown); err != nil {
				t.Fatal(err)
			}
			md := b.String()
			if g.VendorDeployed != tc.want || strings.Contains(md, "Versions before "+tc.oldest+" were deployed by") != tc.want {
				t.Errorf("vendorDeployed %v, want %v:\n%s", g.VendorDeployed, tc.want, md)
			}
			if !strings.Contains(md, "comes without upgrade bundles") || strings.Contains(md, " \n") {
				t.Errorf("the sentence before it is changed, or a line ends in a space:\n%s", md)
			}
		})
	}
}

// TestLocaleRenderErrorNamesFile: an error while rendering a locale's own
// template names the file by its workspace path, line and column.
func TestLocaleRenderErrorNamesFile(t *testing.T) {
	ws, _ := example(t)
	tr := ws.Translation("de")
	if tr == nil || tr.Language == nil {
		t.Fatal("the example has no de locale")
	}
	tests := []struct{ name, src, want string }{
		{name: "not a number", src: "# {{.Title}}\n\n{{number .Title}}\n", want: "template: locales/de/templates/notes.md.tmpl:3:2:"},
		{name: "unknown field", src: "# {{.Title}}\n{{.Nope}}\n", want: "template: locales/de/templates/notes.md.tmpl:2:2:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := templates.LoadLocale(fstest.MapFS{"locales/de/templates/notes.md.tmpl": {Data: []byte(tc.src)}}, tr)
			if err != nil {
				t.Fatal(err)
			}
			n, err := templates.NewNotes(ws, mustVersion(t, "4.3.0"), "test")
			if err != nil {
				t.Fatal(err)
			}
			err = set.RenderNotes(&bytes.Buffer{}, n, templates.Markdown)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
