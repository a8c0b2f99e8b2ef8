// Command publishbench measures `publish zendesk` for `make bench`: a generated
// workspace of 40 releases, each published as two articles in three locales, to
// the emulator with 20 ms of latency and a limit of 400 requests a minute. It
// reports the requests made against the fewest the publish protocol needs, the
// wall time against the floor the rate limit sets, and what an unchanged
// re-publish costs.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/synth"
	"github.com/atlas-release/atlas-release/publish"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/zendesk"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

func main() {
	versions := flag.Int("versions", 40, "releases to publish")
	latency := flag.Duration("latency", 20*time.Millisecond, "the emulator's latency")
	limit := flag.Int("limit", 400, "the emulator's requests per minute")
	flag.Parse()
	if err := run(*versions, *latency, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "publishbench:", err)
		os.Exit(1)
	}
}

func run(nVersions int, latency time.Duration, limit int) error {
	locales := []string{"en-us", "de", "fr"}
	fsys := synth.Workspace(synth.Options{Releases: nVersions, Steps: 20, Seed: 1, Locales: locales[1:]})
	ws, err := releases.Load(fsys)
	if err != nil {
		return err
	}
	if diags := ws.Validate(); diags.Errors() > 0 {
		return &releases.ValidationError{Diagnostics: diags}
	}
	set, err := templates.Load(fsys)
	if err != nil {
		return err
	}
	srv := zendesktest.New(zendesktest.NewState(locales...), zendesktest.Config{Tokens: []string{"bench"}, Latency: latency, RateLimit: limit})
	defer srv.Close()
	var versions []*semver.Version
	for _, m := range ws.Manifests {
		versions = append(versions, m.SemVer())
	}
	publishOnce := func() (*publish.ZendeskResult, zendesk.Stats, time.Duration, error) {
		client, err := zendesk.New(zendesk.Options{BaseURL: srv.URL, Credentials: zendesk.BearerToken("bench")})
		if err != nil {
			return nil, zendesk.Stats{}, 0, err
		}
		start := time.Now()
		res, err := publish.Zendesk(context.Background(), publish.ZendeskOptions{Workspace: ws, Templates: set, Client: client, Versions: versions,
			Generator: "publishbench", FromWorkspace: true, Signing: templates.Signing{PublicKey: "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3", KeyID: "E7620F1842B4E81F"}})
		return res, client.Stats(), time.Since(start), err
	}

	articles := 2 * len(versions)
	pages := (articles + 99) / 100
	minReads := 1 + len(locales)*pages
	// Each new article: one create (with its first locale, as a draft), a create
	// per other locale, a publish per locale, and its labels once the
	// fingerprints of what the help center stored are known.
	minWrites := articles * (2*len(locales) + 1)
	minRequests := minReads + minWrites
	floor := time.Duration((minRequests-1)/limit) * time.Minute

	fmt.Printf("== publish zendesk: %d versions x 2 articles x %d locales; emulator latency %s, limit %d requests/minute\n",
		len(versions), len(locales), latency, limit)
	res, st, wall, err := publishOnce()
	if err != nil {
		return err
	}
	fmt.Printf("first publish:        %d requests (%d writes, %d answered 429) against a minimum of %d (%d reads + %d writes): %.3fx\n",
		st.Requests, st.Writes, st.RateLimited, minRequests, minReads, minWrites, float64(st.Requests)/float64(minRequests))
	if floor > 0 {
		fmt.Printf("                      wall %.1fs against a rate-limit floor of %.0fs: %.3fx\n", wall.Seconds(), floor.Seconds(), wall.Seconds()/floor.Seconds())
	} else {
		fmt.Printf("                      wall %.1fs (under the rate limit: no floor)\n", wall.Seconds())
	}
	if c := res.Counts(); c[publish.Create] != articles*len(locales) {
		return fmt.Errorf("the first publish created %d translations, want %d", c[publish.Create], articles*len(locales))
	}
	_, st, wall, err = publishOnce()
	if err != nil {
		return err
	}
	fmt.Printf("unchanged re-publish: %d requests (minimum %d), %d writes, wall %.2fs\n", st.Requests, minReads, st.Writes, wall.Seconds())
	// A theoretical bound, for comparison: an agent with publish rights who
	// kept no fingerprints could create each article published, with its labels,
	// and each other locale published: no publish or label writes.
	fmt.Printf("(lower bound for any client with publish rights and no drift detection: %d requests)\n", minReads+articles*len(locales))
	return nil
}
