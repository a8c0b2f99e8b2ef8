// Package changelog writes one Keep a Changelog document
// (https://keepachangelog.com/en/1.1.0/) for every release of a workspace, newest
// first, with the customer-facing features of each.
package changelog

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/atlas-release/atlas-release/releases"
)

// sections maps Keep a Changelog's sections, in their order, to feature types.
var sections = []struct {
	title string
	types []releases.FeatureType
}{
	{"Added", []releases.FeatureType{releases.FeatureNew}},
	{"Changed", []releases.FeatureType{releases.FeatureImproved, releases.FeatureConfiguration}},
	{"Deprecated", []releases.FeatureType{releases.FeatureDeprecated}},
	{"Removed", []releases.FeatureType{releases.FeatureRemoved}},
	{"Fixed", []releases.FeatureType{releases.FeatureFixed}},
	{"Security", []releases.FeatureType{releases.FeatureSecurity}},
}

// Write writes the changelog of every release in the workspace.
func Write(w io.Writer, ws *releases.Workspace) error {
	bw := bufio.NewWriter(w)
	cfg := ws.Config
	fmt.Fprintf(bw, "# Changelog\n\nAll notable changes to %s are documented in this file.\n\n", cfg.Product.Name)
	fmt.Fprint(bw, "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n")
	fmt.Fprint(bw, "and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n")
	var links []string
	for _, m := range slices.Backward(ws.Manifests) {
		v := m.SemVer().String()
		heading := v
		if cfg.GitHub != nil {
			heading = "[" + v + "]"
			// github.apiUrl (or GITHUB_API_URL) names the server: GitHub
			// Enterprise Server releases are not on github.com.
			links = append(links, fmt.Sprintf("[%s]: %s", v, cfg.GitHub.ReleaseURL(v)))
		}
		fmt.Fprintf(bw, "\n## %s - %s\n", heading, m.ReleaseDate)
		for _, sec := range sections {
			var entries []string
			for _, f := range m.Features {
				if f.Audience != releases.AudienceInternal && slices.Contains(sec.types, f.Type) {
					entries = append(entries, entry(f))
				}
			}
			if len(entries) == 0 {
				continue
			}
			fmt.Fprintf(bw, "\n### %s\n\n", sec.title)
			for _, e := range entries {
				fmt.Fprintln(bw, e)
			}
		}
	}
	if len(links) > 0 {
		fmt.Fprintln(bw)
		for _, l := range links {
			fmt.Fprintln(bw, l)
		}
	}
	return bw.Flush()
}

func entry(f releases.Feature) string {
	summary := strings.Join(strings.Fields(f.Summary), " ")
	if f.Area != "" {
		return fmt.Sprintf("- **%s** (%s): %s", f.Title, f.Area, summary)
	}
	return fmt.Sprintf("- **%s**: %s", f.Title, summary)
}
