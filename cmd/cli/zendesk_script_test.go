package cli

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

// scriptToken is the OAuth token the scripts' emulator accepts.
const scriptToken = "script-token"

var emulators sync.Map // *testscript.TestScript → *zendesktest.Server

// cmdZendesk drives a ZenDesk emulator from a script:
//
//	zendesk start [locale...]                        start one for the example workspace; sets ZENDESK_URL and ZENDESK_OAUTH_TOKEN
//	zendesk reset                                    forget the requests so far
//	zendesk writes N                                 N write requests since the start or the last reset
//	zendesk articles N                               the help center holds N articles
//	zendesk tickets N                                the instance holds N tickets
//	zendesk edit <locale> <label> <old> <new>        edit an article's text by hand, as in the ZenDesk editor
//	zendesk contains <locale> <label> <text>         the article's text in the locale contains text
//	zendesk fault 500 <METHOD> <path regexp> <times> | zendesk clear
func cmdZendesk(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: zendesk start|reset|writes|articles|edit ...")
	}
	if args[0] == "start" {
		locales := args[1:]
		st := zendesktest.NewState(locales...)
		st.Sections = []zendesktest.Section{{ID: 4410293001, Name: "Atlas release notes", Locale: st.DefaultLocale}}
		st.PermissionGroups = []zendesktest.PermissionGroup{{ID: 1764201, Name: "Release managers"}}
		srv := zendesktest.New(st, zendesktest.Config{Tokens: []string{scriptToken}})
		emulators.Store(ts, srv)
		ts.Defer(func() { emulators.Delete(ts); srv.Close() })
		ts.Setenv("ZENDESK_URL", srv.URL)
		ts.Setenv("ZENDESK_OAUTH_TOKEN", scriptToken)
		return
	}
	v, ok := emulators.Load(ts)
	if !ok {
		ts.Fatalf("zendesk: no emulator; run zendesk start first")
	}
	srv := v.(*zendesktest.Server)
	count := func(what string, got int) {
		want, err := strconv.Atoi(args[1])
		if err != nil {
			ts.Fatalf("zendesk %s: bad number %q", args[0], args[1])
		}
		if got != want {
			ts.Fatalf("zendesk: %d %s, want %d", got, what, want)
		}
	}
	switch {
	case args[0] == "reset" && len(args) == 1:
		srv.ResetLog()
	case args[0] == "writes" && len(args) == 2:
		count("writes", srv.Writes())
	case args[0] == "articles" && len(args) == 2:
		count("articles", len(srv.Snapshot().Articles))
	case args[0] == "tickets" && len(args) == 2:
		count("tickets", len(srv.Snapshot().Tickets))
	case args[0] == "edit" && len(args) == 5:
		locale, label, old, repl := args[1], args[2], args[3], args[4]
		edited := false
		srv.Edit(func(st *zendesktest.State) {
			for id, a := range st.Articles {
				if !slices.Contains(a.LabelNames, label) {
					continue
				}
				for _, tr := range st.Translations[id] {
					if tr.Locale == locale && strings.Contains(tr.Body, old) {
						tr.Body = strings.Replace(tr.Body, old, repl, 1)
						edited = true
					}
				}
			}
		})
		if !edited {
			ts.Fatalf("zendesk edit: no %s article labelled %s contains %q", locale, label, old)
		}
	case args[0] == "contains" && len(args) == 4:
		st := srv.Snapshot()
		for id, a := range st.Articles {
			if slices.Contains(a.LabelNames, args[2]) {
				for _, tr := range st.Translations[id] {
					if tr.Locale == args[1] && strings.Contains(tr.Body, args[3]) {
						return
					}
				}
			}
		}
		ts.Fatalf("zendesk: no %s article labelled %s contains %q", args[1], args[2], args[3])
	case args[0] == "fault" && len(args) == 5:
		times, err := strconv.Atoi(args[4])
		if err != nil {
			ts.Fatalf("zendesk fault: bad count %q", args[4])
		}
		srv.Inject(zendesktest.Fault{Kind: zendesktest.Fail500, Method: args[2], PathPattern: args[3], Times: times})
	case args[0] == "clear" && len(args) == 1:
		srv.ClearFaults()
	default:
		ts.Fatalf("zendesk: bad arguments %q", args)
	}
}
