package cli

import (
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
)

// scriptGitHubToken is the token the scripts' fake GitHub accepts.
const scriptGitHubToken = "script-gh-token"

var fakeGitHubs sync.Map // *testscript.TestScript → *ghreleasetest.Server

// cmdGitHub drives a fake GitHub from a script:
//
//	github start [immutable]          start one for the example's repository; sets GITHUB_API_URL, GITHUB_TOKEN and GITHUB_DOWNLOADS (the release's download folder)
//	github readonly | readwrite       make the token read-only, or able to write again
//	github fault <500|502> <METHOD> <path regexp> <times>
//	github clear                      end the faults
//	github reset                      forget the requests so far
//	github writes N                   N write requests since the start or the last reset
//	github releases N                 the repository has N releases
//	github assets N                   the release of v4.3.0 has N assets
//	github unexpected                 no request the real API would refuse
func cmdGitHub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: github start|readonly|readwrite|fault|clear|reset|writes|releases|assets|unexpected ...")
	}
	if args[0] == "start" {
		cfg := ghreleasetest.Config{Owner: "atlas-workplace", Repo: "atlas-runbooks",
			Tokens: map[string]ghreleasetest.Token{scriptGitHubToken: {Push: true, Scopes: "repo"}}}
		cfg.Immutable = len(args) > 1 && args[1] == "immutable"
		srv := ghreleasetest.New(cfg)
		fakeGitHubs.Store(ts, srv)
		ts.Defer(func() { fakeGitHubs.Delete(ts); srv.Close() })
		ts.Setenv("GITHUB_API_URL", srv.APIURL())
		ts.Setenv("GITHUB_TOKEN", scriptGitHubToken)
		ts.Setenv("GITHUB_DOWNLOADS", srv.URL+"/atlas-workplace/atlas-runbooks/releases/download/v4.3.0")
		return
	}
	v, ok := fakeGitHubs.Load(ts)
	if !ok {
		ts.Fatalf("github: no fake; run github start first")
	}
	srv := v.(*ghreleasetest.Server)
	count := func(what string, got int) {
		want, err := strconv.Atoi(args[1])
		if err != nil {
			ts.Fatalf("github %s: bad number %q", args[0], args[1])
		}
		if got != want {
			ts.Fatalf("github: %d %s, want %d", got, what, want)
		}
	}
	switch {
	case args[0] == "readonly" || args[0] == "readwrite":
		srv.SetToken(scriptGitHubToken, ghreleasetest.Token{Push: args[0] == "readwrite", Scopes: "repo"})
	case args[0] == "fault" && len(args) == 5:
		kind := ghreleasetest.Fail500
		if args[1] == "502" {
			kind = ghreleasetest.Fail502
		}
		times, err := strconv.Atoi(args[4])
		if err != nil {
			ts.Fatalf("github fault: bad count %q", args[4])
		}
		srv.Inject(ghreleasetest.Fault{Kind: kind, Method: args[2], PathPattern: args[3], Times: times})
	case args[0] == "clear" && len(args) == 1:
		srv.ClearFaults()
	case args[0] == "reset" && len(args) == 1:
		srv.ResetLog()
	case args[0] == "writes" && len(args) == 2:
		count("writes", srv.Writes())
	case args[0] == "releases" && len(args) == 2:
		count("releases", len(srv.Releases()))
	case args[0] == "assets" && len(args) == 2:
		n := 0
		for _, r := range srv.Releases() {
			if r.Tag == "v4.3.0" {
				n += len(r.Assets)
			}
		}
		count("assets", n)
	case args[0] == "unexpected" && len(args) == 1:
		if u := srv.Unexpected(); len(u) > 0 {
			ts.Fatalf("the fake GitHub received unexpected requests:\n%s", strings.Join(u, "\n"))
		}
	default:
		ts.Fatalf("github: bad arguments %q", args)
	}
}
