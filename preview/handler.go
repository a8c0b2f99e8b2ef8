package preview

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/changelog"
	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/schemas"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
)

// Handler serves the preview. With anyHost false it answers only requests
// addressed to a loopback name, so that a web page elsewhere cannot read the
// preview through a DNS name rebound to 127.0.0.1.
func (s *Server) Handler(anyHost bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.home)
	mux.HandleFunc("GET /release/{version}/{locale}/{kind}", s.document)
	mux.HandleFunc("GET /changelog", s.changelog)
	mux.HandleFunc("GET /runbook", s.runbook)
	mux.HandleFunc("GET /runbook.html", s.runbookPage)
	mux.HandleFunc("GET /upgrades", s.upgrades)
	mux.HandleFunc("GET /schemas/{file}", s.schema)
	mux.HandleFunc("GET /events", s.events)
	if anyHost {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			http.Error(w, "the preview answers only to localhost, 127.0.0.1 or [::1]", http.StatusMisdirectedRequest)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a Host header names this machine.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// page is what the frame template shows.
type page struct {
	Title   string
	Product string
	Gen     uint64
	// Problems replace the content when the page's input does not validate.
	Problems []problem
	Err      string
	Body     template.HTML
	Nav      []link
}

type link struct {
	Text, Href string
}

// problem is a diagnostic with its links: the editor, and the page it concerns.
type problem struct {
	releases.Diagnostic
	Place  string
	Editor template.URL
	Page   string
}

func (s *Server) problems(snap *snapshot) []problem {
	out := make([]problem, 0, len(snap.diags))
	for _, d := range snap.diags {
		p := problem{Diagnostic: d, Place: fmt.Sprintf("%s:%d:%d", d.File, max(d.Line, 1), max(d.Col, 1))}
		p.Editor = editorURL(s.opts.Dir, d)
		if v, ok := strings.CutPrefix(d.File, releases.ReleasesDir+"/"); ok {
			p.Page = "/#release-" + strings.TrimSuffix(v, ".yaml")
		}
		out = append(out, p)
	}
	return out
}

// editorURL opens the diagnostic's place in VS Code.
func editorURL(root string, d releases.Diagnostic) template.URL {
	abs := filepath.ToSlash(filepath.Join(root, filepath.FromSlash(d.File)))
	if !strings.HasPrefix(abs, "/") {
		abs = "/" + abs // C:/… on Windows
	}
	u := url.URL{Scheme: "vscode", Host: "file", Path: fmt.Sprintf("%s:%d:%d", abs, max(d.Line, 1), max(d.Col, 1))}
	return template.URL(u.String()) // #nosec: built from the workspace's own paths, escaped by url.URL
}

func (s *Server) frame(w http.ResponseWriter, snap *snapshot, p page) {
	p.Gen = snap.gen
	p.Product = "atlas-release"
	if snap.ws != nil {
		p.Nav = s.nav(snap)
		if snap.ws.Config != nil {
			p.Product = snap.ws.Config.Product.Name
		}
	}
	if snap.err != nil {
		p.Err = snap.err.Error()
	}
	var b bytes.Buffer
	if err := frameTemplate().Execute(&b, p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

func (s *Server) nav(snap *snapshot) []link {
	nav := []link{{"Home", "/"}, {"Changelog", "/changelog"}, {"Runbook", "/runbook"}}
	if snap.ws.HasCustomersFile {
		nav = append(nav, link{"Upgrades", "/upgrades"})
	}
	return nav
}

// invalid shows the problems in place of the page: never a stale render.
func (s *Server) invalid(w http.ResponseWriter, snap *snapshot, title string) bool {
	if snap.valid() {
		return false
	}
	s.frame(w, snap, page{Title: title + " (does not validate)", Problems: s.problems(snap)})
	return true
}

type homeRelease struct {
	Version, Kind, Date, Status string
	Locales                     []string
}

type homeQuarter struct {
	Name     string
	Releases []homeRelease
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if snap.ws == nil {
		s.frame(w, snap, page{Title: "Releases"})
		return
	}
	var quarters []homeQuarter
	// A workspace file that does not load has no calendar: its problems are
	// the whole page.
	if snap.ws.Config != nil {
		today := releases.DateOf(s.opts.Now())
		years := map[int]bool{today.Year(): true}
		for _, m := range snap.ws.Manifests {
			years[m.ReleaseDate.Year()] = true
		}
		locales := snap.ws.Config.Locales
		if len(locales) == 0 {
			locales = []string{snap.ws.Config.DefaultLocale()}
		}
		for y := minKey(years); y <= maxKey(years); y++ {
			for _, q := range snap.ws.Calendar(y, today).Quarters {
				hq := homeQuarter{Name: fmt.Sprintf("%d Q%d", y, q.Number)}
				for _, e := range q.Entries {
					hq.Releases = append(hq.Releases, homeRelease{Version: e.Version, Kind: string(e.Kind), Date: e.Date, Status: e.Status, Locales: locales})
				}
				quarters = append(quarters, hq)
			}
		}
	}
	var b bytes.Buffer
	if err := homeTemplate().Execute(&b, struct {
		Quarters []homeQuarter
		Problems []problem
		Files    int
	}{quarters, s.problems(snap), len(snap.ws.ManifestFiles)}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.frame(w, snap, page{Title: "Releases", Body: template.HTML(b.String())}) // homeTemplate escapes every value
}

func minKey(m map[int]bool) int {
	first := true
	k := 0
	for y := range m {
		if first || y < k {
			k, first = y, false
		}
	}
	return k
}

func maxKey(m map[int]bool) int {
	k := 0
	for y := range m {
		k = max(k, y)
	}
	return k
}

// document shows a release's notes or upgrade guide in one locale as the help
// center will: the title and the help-center-safe HTML body of the article.
func (s *Server) document(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	kind, locale := r.PathValue("kind"), r.PathValue("locale")
	title := fmt.Sprintf("%s %s (%s)", kind, r.PathValue("version"), locale)
	if s.invalid(w, snap, title) {
		return
	}
	v, err := semver.StrictNewVersion(r.PathValue("version"))
	if err != nil {
		http.Error(w, "not a version", http.StatusNotFound)
		return
	}
	docs, err := cut.Documents(snap.ws, snap.set, v, templates.Signing{Snapshot: true}, s.opts.Generator)
	if err != nil {
		s.frame(w, snap, page{Title: title, Err: err.Error()})
		return
	}
	for _, d := range docs {
		// The notes link to the guide beside them by its file name in a cut
		// (upgrade-guide.de.html): that name serves the guide here too.
		if d.Locale == locale && (d.Kind == kind || cut.DocumentFile(d.Kind, d.Locale, snap.ws.Config.DefaultLocale(), "html") == kind) {
			var b bytes.Buffer
			if err := articleTemplate().Execute(&b, struct {
				Title string
				Body  template.HTML
			}{d.Title, template.HTML(d.HTML)}); err != nil { // the help-center-safe HTML the article publishes, byte for byte
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			s.frame(w, snap, page{Title: d.Title, Body: template.HTML(b.String())})
			return
		}
	}
	http.Error(w, fmt.Sprintf("no %s of %s in %s", kind, v, locale), http.StatusNotFound)
}

func (s *Server) changelog(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if s.invalid(w, snap, "Changelog") {
		return
	}
	var md bytes.Buffer
	if err := changelog.Write(&md, snap.ws); err != nil {
		s.frame(w, snap, page{Title: "Changelog", Err: err.Error()})
		return
	}
	html, err := templates.DocumentHTML(md.Bytes())
	if err != nil {
		s.frame(w, snap, page{Title: "Changelog", Err: err.Error()})
		return
	}
	s.frame(w, snap, page{Title: "Changelog", Body: template.HTML(html)}) // rendered from the workspace's own Markdown, as published
}

// path reads ?from=&to= (default: the oldest and the latest release).
func (s *Server) path(snap *snapshot, r *http.Request) (*releases.Path, string, string, error) {
	ms := snap.ws.Manifests
	if len(ms) == 0 {
		return nil, "", "", fmt.Errorf("the workspace has no release")
	}
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if from == "" {
		from = ms[0].Version
	}
	if to == "" {
		to = ms[len(ms)-1].Version
	}
	fv, err := semver.StrictNewVersion(from)
	if err != nil {
		return nil, from, to, fmt.Errorf("from: %w", err)
	}
	tv, err := semver.StrictNewVersion(to)
	if err != nil {
		return nil, from, to, fmt.Errorf("to: %w", err)
	}
	p, err := snap.ws.Plan(fv, tv)
	return p, from, to, err
}

// runbook shows the runbook of a chosen path, framed, with its plan.
func (s *Server) runbook(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if s.invalid(w, snap, "Runbook") {
		return
	}
	p, from, to, err := s.path(snap, r)
	var versions []string
	for _, m := range snap.ws.Manifests {
		versions = append(versions, m.Version)
	}
	data := struct {
		Versions []string
		From, To string
		Err      string
		Plan     string
	}{Versions: versions, From: from, To: to}
	if err != nil {
		data.Err = err.Error()
	} else {
		rb := templates.NewRunbook(snap.ws, p, s.opts.Generator)
		// The plan is `plan --json`: the runbook without its steps.
		for i := range rb.Hops {
			rb.Hops[i].Steps = nil
		}
		rb.Accounting = []templates.Fate{}
		j, _ := json.MarshalIndent(rb, "", "  ")
		data.Plan = string(j)
	}
	var b bytes.Buffer
	if err := runbookTemplate().Execute(&b, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.frame(w, snap, page{Title: "Runbook " + from + " → " + to, Body: template.HTML(b.String())})
}

// runbookPage is the runbook.html of the path's bundle, byte for byte.
func (s *Server) runbookPage(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if s.invalid(w, snap, "Runbook") {
		return
	}
	p, _, _, err := s.path(snap, r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	var b bytes.Buffer
	if err := snap.set.RenderRunbook(&b, templates.NewRunbook(snap.ws, p, s.opts.Generator), templates.HTML); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// upgrades is `upgrades plan --json` to ?to= (default: the latest release).
func (s *Server) upgrades(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	if s.invalid(w, snap, "Upgrades") {
		return
	}
	if !snap.ws.HasCustomersFile {
		s.frame(w, snap, page{Title: "Upgrades", Err: "the workspace has no customers.yaml"})
		return
	}
	latest, err := snap.ws.Latest()
	if err != nil {
		s.frame(w, snap, page{Title: "Upgrades", Err: err.Error()})
		return
	}
	to := latest.SemVer()
	if q := r.URL.Query().Get("to"); q != "" {
		if to, err = semver.StrictNewVersion(q); err != nil {
			http.Error(w, "to: not a version", http.StatusBadRequest)
			return
		}
	}
	plan, err := upgrades.Plan(snap.ws, to)
	if err != nil {
		s.frame(w, snap, page{Title: "Upgrades", Err: err.Error()})
		return
	}
	j, _ := json.MarshalIndent(plan, "", "  ")
	var b bytes.Buffer
	if err := preTemplate().Execute(&b, string(j)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.frame(w, snap, page{Title: "Upgrades to " + to.String(), Body: template.HTML(b.String())})
}

// schema serves the workspace's schemas, offering its ids: editors may point
// "# yaml-language-server: $schema=" at them while serve runs.
func (s *Server) schema(w http.ResponseWriter, r *http.Request) {
	snap := s.snapshot()
	name, ok := strings.CutSuffix(r.PathValue("file"), schemas.Suffix)
	if _, exists := schemas.Get(name); !ok || !exists {
		http.NotFound(w, r)
		return
	}
	var ids schemas.IDs
	if snap.ws != nil {
		ids = schemas.WorkspaceIDs(snap.ws)
	}
	b, err := schemas.ForWorkspace(name, ids)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/schema+json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// events streams the generation of every reload to an open page.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, unsubscribe := s.subscribe()
	defer unsubscribe()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	// The current generation first: a page loaded before a reload it missed
	// (while it was connecting) refreshes at once.
	fmt.Fprintf(w, "retry: 500\nevent: generation\ndata: %d\n\n", s.snapshot().gen)
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case gen := <-ch:
			fmt.Fprintf(w, "event: generation\ndata: %s\n\n", strconv.FormatUint(gen, 10))
			flusher.Flush()
		}
	}
}
