// Command zendesk-sandbox serves the ZenDesk Help Center emulator on a local
// port, with its state kept in a file, so that a product manager can rehearse a
// publish and look at the result in a browser:
//
//	zendesk-sandbox -C examples/atlas &
//	ZENDESK_URL=http://127.0.0.1:8080 ZENDESK_OAUTH_TOKEN=sandbox atlas-release -C examples/atlas publish zendesk 4.3
//	open http://127.0.0.1:8080/              the help center; tickets at /agent/tickets
//
// With -C it sets up the section, permission group, user segment and locales of
// the workspace's atlas-release.yaml, and its standby engineers as agents. It listens on loopback addresses only.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/zendesk/zendesktest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "zendesk-sandbox: %v\n", err)
		os.Exit(1)
	}
}

// run serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("zendesk-sandbox", flag.ContinueOnError)
	fl.SetOutput(stderr)
	addr := fl.String("addr", "127.0.0.1:8080", "listen on `ADDR` (a loopback address; port 0 picks a free one)")
	stateFile := fl.String("state", "zendesk-sandbox.json", "keep the help center in `FILE` (created if missing)")
	workspace := fl.String("C", "", "set up the help center for the workspace in `DIR`")
	locales := fl.String("locales", "", "enabled `LOCALES`, comma-separated, the default first (default: the workspace's, or en-us)")
	token := fl.String("token", "sandbox", "the OAuth `TOKEN` the sandbox accepts")
	rateLimit := fl.Int("rate-limit", 0, "requests allowed per minute (0: no limit)")
	latency := fl.Duration("latency", 0, "delay every answer by `DURATION`")
	urlFile := fl.String("url-file", "", "write the sandbox's URL to `FILE` once it listens")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: zendesk-sandbox [flags]\n\nServe an emulated ZenDesk Help Center on a local port, for rehearsing publishes.\n\nFlags:")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	state, err := loadState(*stateFile)
	if err != nil {
		return err
	}
	if state == nil {
		state, err = newState(*workspace, *locales)
		if err != nil {
			return err
		}
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("-addr %q: %w", *addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s: the sandbox accepts any request with its well-known token, so it only listens on loopback addresses", *addr)
	}
	if err := saveState(*stateFile, state); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := zendesktest.NewHandler(state, zendesktest.Config{
		Tokens: []string{*token}, RateLimit: *rateLimit, Latency: *latency, AllowPublishedCreate: false,
		OnChange: func(st *zendesktest.State) {
			if err := saveState(*stateFile, st); err != nil {
				fmt.Fprintf(stderr, "zendesk-sandbox: save %s: %v\n", *stateFile, err)
			}
		},
	})
	base := "http://" + ln.Addr().String()
	srv.SetBaseURL(base)
	hs := &http.Server{Handler: withHome(srv), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "ZenDesk sandbox at %s (state in %s)\n  help center: %s/hc/%s\n  tickets: %s/agent/tickets\n  publish with: ZENDESK_URL=%s ZENDESK_OAUTH_TOKEN=%s atlas-release publish zendesk <version>\n",
		base, *stateFile, base, state.DefaultLocale, base, base, *token)
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(base+"\n"), 0o644); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}

// withHome sends a browser opening the sandbox's address to the help center
// (whose /hc goes on to the default locale), instead of the API's 401.
func withHome(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			http.Redirect(w, r, "/hc/", http.StatusFound)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// newState sets up an empty help center, for the workspace when one is given.
func newState(workspace, locales string) (*zendesktest.State, error) {
	var list []string
	if locales != "" {
		list = strings.Split(locales, ",")
	}
	if workspace == "" {
		return zendesktest.NewState(list...), nil
	}
	// Read as atlas-release reads it: regular files inside the folder only.
	fsys, err := wsfs.New(workspace)
	if err != nil {
		return nil, err
	}
	defer fsys.Close()
	ws, err := releases.Load(fsys)
	if err != nil {
		return nil, err
	}
	cfg := ws.Config
	if cfg == nil && ws.Diagnostics.Errors() > 0 {
		// The workspace file did not load (a link or a named pipe, say): why.
		return nil, &releases.ValidationError{Diagnostics: ws.Diagnostics.Sort()}
	}
	if cfg == nil || cfg.Zendesk == nil {
		return nil, fmt.Errorf("%s has no zendesk: settings to set up", filepath.Join(workspace, releases.ConfigFile))
	}
	if len(list) == 0 {
		list = append(list, cfg.Locales...)
	}
	st := zendesktest.NewState(list...)
	st.Sections = []zendesktest.Section{{ID: cfg.Zendesk.SectionID, Name: cfg.Product.Name + " release notes", Locale: st.DefaultLocale}}
	st.PermissionGroups = []zendesktest.PermissionGroup{{ID: cfg.Zendesk.PermissionGroupID, Name: "Release managers"}}
	if cfg.Zendesk.UserSegmentID != 0 {
		st.UserSegments = append(st.UserSegments, zendesktest.UserSegment{ID: cfg.Zendesk.UserSegmentID, Name: cfg.Product.Name + " customers"})
	}
	// The standby roster's engineers are agents, so that a rehearsed rollout
	// can assign them their change tickets.
	if cfg.Standby != nil {
		for _, e := range cfg.Standby.Engineers {
			st.AddAgent(e.Name, e.Email)
		}
	}
	// So are the customers' vendor-side owners, so that a rehearsed
	// `upgrades announce --apply` can give each the message for their customer.
	if ws.Customers != nil {
		seen := map[string]bool{}
		if cfg.Standby != nil {
			for _, e := range cfg.Standby.Engineers {
				seen[strings.ToLower(e.Email)] = true
			}
		}
		for _, c := range ws.Customers.Customers {
			if key := strings.ToLower(c.Contact.Email); c.Contact.Email != "" && !seen[key] {
				seen[key] = true
				st.AddAgent(c.Contact.Name, c.Contact.Email)
			}
		}
	}
	return st, nil
}

func loadState(file string) (*zendesktest.State, error) {
	// A regular file: a named pipe or a device is refused, not waited on.
	f, err := wsfs.OpenFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := zendesktest.LoadState(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (delete it to start afresh)", file, err)
	}
	return st, nil
}

// saveState replaces the state file in one step, so that it is never half
// written.
func saveState(file string, st *zendesktest.State) error {
	var b bytes.Buffer
	if err := st.Save(&b); err != nil {
		return err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}
