// Package ghreleasetest is a fake GitHub, faithful where a release publisher could
// go wrong: it serves the REST API of a GitHub Enterprise Server (/api/v3/, and
// uploads under /api/uploads/), checks methods, paths and bodies and records every
// request it did not expect, keeps drafts out of the tag endpoint, rejects
// duplicate asset names with 422, makes releases immutable on publish when the
// repository asks for it and then refuses every change, computes asset digests,
// reports rate limits like GitHub, and injects faults — 5xx, rate limits, a
// connection dropped after a write was committed, uploads answered 201 with an
// empty, garbled or wrong body (stored or not), and redirects.
package ghreleasetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atlas-release/atlas-release/internal/fakehttp"
)

// Token is what a token may do.
type Token struct {
	// Push allows writes.
	Push bool
	// Scopes is the X-OAuth-Scopes of a classic token ("repo", …); empty for
	// fine-grained tokens, which report none.
	Scopes string
}

// Config describes the repository.
type Config struct {
	Owner, Repo string
	Tokens      map[string]Token
	// Immutable makes every release immutable when it is published, as the
	// repository setting does.
	Immutable bool
	Private   bool
	// PageSize caps list pages, to exercise pagination.
	PageSize int
	// NoDigests leaves the digest out of asset answers, as GitHub Enterprise
	// Servers older than the digest field do.
	NoDigests bool
	// Clock replaces the wall clock for rate-limit resets.
	Clock func() time.Time
}

// Release is a release as the fake holds it.
type Release struct {
	ID         int64
	Tag        string
	Name       string
	Body       string
	Draft      bool
	Immutable  bool
	MakeLatest string
	Assets     []*Asset
	untagged   string
}

// Asset is an uploaded file.
type Asset struct {
	ID          int64
	Name        string
	ContentType string
	Data        []byte
	State       string
}

// Request is one logged request.
type Request = fakehttp.Request

// FaultKind is a fault to inject.
type FaultKind int

// The faults.
const (
	// Fail500 answers 500 without doing anything.
	Fail500 FaultKind = iota
	// Fail502 answers 502 without doing anything.
	Fail502
	// RateLimit answers the primary rate limit's 403, resetting after Delay.
	RateLimit
	// SecondaryLimit answers a secondary rate limit's 403 with Retry-After.
	SecondaryLimit
	// DropAfterCommit does the work, then closes the connection unanswered.
	DropAfterCommit
	// EmptyUploadAnswer stores an upload, then answers it 201 with an empty
	// body, as a proxy that loses the answer does: the file is there, but the
	// answer does not say so.
	EmptyUploadAnswer
	// EmptyUploadAnswerNotStored answers an upload 201 with an empty body
	// without storing it: only reading the release back tells the truth.
	EmptyUploadAnswerNotStored
	// GarbledUploadAnswer stores an upload, then answers it 201 with a body
	// that is not JSON.
	GarbledUploadAnswer
	// WrongUploadAnswer stores an upload, then answers it 201 with the JSON of
	// another asset (another name, size and an unfinished state).
	WrongUploadAnswer
)

// uploadOnly reports whether a fault kind only makes sense on an upload; the
// fake records one injected on anything else as unexpected, to stay strict.
func (k FaultKind) uploadOnly() bool {
	return k == EmptyUploadAnswer || k == EmptyUploadAnswerNotStored || k == GarbledUploadAnswer || k == WrongUploadAnswer
}

// Fault affects the next Times requests that match Method and PathPattern.
type Fault = fakehttp.Fault[FaultKind]

// redirect is what a redirect rule answers: Status, to the same path and query
// on To (an origin such as "http://127.0.0.1:8080"; this server when empty).
type redirect struct {
	Status int
	To     string
}

// Server is the fake.
type Server struct {
	*httptest.Server
	mu         sync.Mutex
	umu        sync.Mutex // guards unexpected
	cfg        Config
	releases   []*Release
	nextID     int64
	log        fakehttp.Log
	unexpected []string
	faults     fakehttp.Faults[FaultKind]
	redirects  fakehttp.Faults[redirect]
}

// New starts a fake GitHub for one repository.
func New(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = time.Now //nolint:forbidigo // a fake server keeps time like the real one unless a test gives it a clock
	}
	s := &Server{cfg: cfg, nextID: 100}
	s.Server = httptest.NewServer(s)
	return s
}

// APIURL is the API base to configure a client with.
func (s *Server) APIURL() string { return s.URL + "/api/v3" }

// Inject adds a fault.
func (s *Server) Inject(f Fault) { s.faults.Inject(f) }

// SetToken changes what a token may do.
func (s *Server) SetToken(token string, t Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.Tokens == nil {
		s.cfg.Tokens = map[string]Token{}
	}
	s.cfg.Tokens[token] = t
}

// Redirect makes the next times requests that match method (any when empty) and
// pathPattern answer status with a Location of the same path and query on to
// (an origin, like another server's URL; this server when empty), before any
// check: as a proxy in front of GitHub, or a hostile server, would. A redirect
// to this server is followed by the request served as usual.
func (s *Server) Redirect(method, pathPattern string, status, times int, to string) {
	s.redirects.Inject(fakehttp.Fault[redirect]{Kind: redirect{Status: status, To: to}, Method: method, PathPattern: pathPattern, Times: times})
}

// ClearFaults removes the faults not yet triggered: the outage is over.
func (s *Server) ClearFaults() { s.faults.Clear() }

// PendingFaults counts the faults not yet triggered.
func (s *Server) PendingFaults() int { return s.faults.Pending() }

// Requests returns the logged requests.
func (s *Server) Requests() []Request { return s.log.Requests() }

// ResetLog forgets the logged requests.
func (s *Server) ResetLog() { s.log.Reset() }

// Writes counts the logged requests that were not reads.
func (s *Server) Writes() int { return s.log.Writes() }

// Unexpected lists the requests that matched no route of the API or carried a
// body the API would refuse: a test fails on any.
func (s *Server) Unexpected() []string {
	s.umu.Lock()
	defer s.umu.Unlock()
	return append([]string(nil), s.unexpected...)
}

// unexpect records a request the real API would not take. It has its own lock:
// routes call it while they hold the state's.
func (s *Server) unexpect(what string) {
	s.umu.Lock()
	defer s.umu.Unlock()
	s.unexpected = append(s.unexpected, what)
}

// Releases returns a copy of the releases.
func (s *Server) Releases() []Release {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Release, len(s.releases))
	for i, r := range s.releases {
		out[i] = *r
		out[i].Assets = nil
		for _, a := range r.Assets {
			c := *a
			out[i].Assets = append(out[i].Assets, &c)
		}
	}
	return out
}

// Edit changes the fake's releases under its lock, as someone in the GitHub
// interface would.
func (s *Server) Edit(f func(releases []*Release)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.releases)
}

var (
	repoPath    = regexp.MustCompile(`^/api/v3/repos/([^/]+)/([^/]+)(/.*)?$`)
	uploadPath  = regexp.MustCompile(`^/api/uploads/repos/([^/]+)/([^/]+)/releases/([0-9]+)/assets$`)
	downloadWeb = regexp.MustCompile(`^/([^/]+)/([^/]+)/releases/download/([^/]+)/([^/]+)$`)
)

// ServeHTTP handles a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	rec := fakehttp.NewRecorder(w, func(status int) {
		s.log.Add(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: status, Write: r.Method != http.MethodGet && r.Method != http.MethodHead})
	})
	defer rec.Answered()
	if rd := s.redirects.Take(r); rd != nil {
		to := rd.Kind.To
		if to == "" {
			to = s.URL
		}
		rec.Header().Set("Location", to+r.URL.RequestURI())
		rec.WriteHeader(rd.Kind.Status)
		return
	}
	if m := downloadWeb.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
		s.serveDownload(rec, m[1], m[2], m[3], m[4])
		return
	}
	token := strings.TrimPrefix(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), "token ")
	s.mu.Lock()
	tok, ok := s.cfg.Tokens[token]
	s.mu.Unlock()
	fault := s.faults.Take(r)
	s.rateHeaders(rec)
	if !ok {
		writeJSON(rec, 401, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	if tok.Scopes != "" {
		rec.Header().Set("X-OAuth-Scopes", tok.Scopes)
	}
	if fault != nil {
		switch fault.Kind {
		case Fail500:
			writeJSON(rec, 500, map[string]any{"message": "Server Error"})
			return
		case Fail502:
			rec.Header().Set("Content-Type", "text/html")
			rec.WriteHeader(502)
			fmt.Fprint(rec, "<html><body><h1>502 Bad Gateway</h1></body></html>")
			return
		case RateLimit:
			rec.Header().Set("X-RateLimit-Remaining", "0")
			rec.Header().Set("X-RateLimit-Reset", strconv.FormatInt(s.cfg.Clock().Add(fault.Delay).Unix(), 10))
			writeJSON(rec, 403, map[string]any{"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})
			return
		case SecondaryLimit:
			rec.Header().Set("Retry-After", strconv.Itoa(int(fault.Delay/time.Second)))
			writeJSON(rec, 403, map[string]any{"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
				"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"})
			return
		}
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if write && !tok.Push {
		rec.Header().Set("X-Accepted-GitHub-Permissions", "contents=write")
		writeJSON(rec, 403, map[string]any{"message": "Resource not accessible by personal access token"})
		return
	}
	if fault != nil && fault.Kind == DropAfterCommit {
		s.route(fakehttp.NewDiscard(), r, body, tok)
		rec.Status = 0 // logged as "no answer"
		rec.Answered()
		fakehttp.Hangup(w)
		return
	}
	if fault != nil && fault.Kind.uploadOnly() {
		s.badUploadAnswer(rec, r, body, tok, fault.Kind)
		return
	}
	s.route(rec, r, body, tok)
}

// badUploadAnswer serves an upload whose answer is lost or wrong: 201, but a
// body that does not describe the asset stored (or not stored).
func (s *Server) badUploadAnswer(w *fakehttp.Recorder, r *http.Request, body []byte, tok Token, kind FaultKind) {
	if r.Method != http.MethodPost || !uploadPath.MatchString(r.URL.Path) {
		s.expectFailed(w, r, "an upload fault matched a request that is not an upload")
		return
	}
	if kind != EmptyUploadAnswerNotStored {
		stored := httptest.NewRecorder()
		s.route(stored, r, body, tok)
		if stored.Code != http.StatusCreated {
			// The upload was refused: answer as GitHub did; the fault is spent.
			for k, v := range stored.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(stored.Code)
			_, _ = w.Write(stored.Body.Bytes())
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	switch kind {
	case GarbledUploadAnswer:
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, "<html><body>Created</body></html>")
	case WrongUploadAnswer:
		writeJSON(w, http.StatusCreated, map[string]any{"id": 1, "name": "other-" + r.URL.Query().Get("name"), "size": len(body) + 1, "state": "starter"})
	default:
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusCreated)
	}
}

// rateHeaders sets the rate-limit headers every answer carries.
func (s *Server) rateHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4999")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(s.cfg.Clock().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
}

func (s *Server) expectFailed(w http.ResponseWriter, r *http.Request, why string) {
	s.unexpect(r.Method + " " + r.URL.String() + ": " + why)
	writeJSON(w, 404, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
}

// route serves an authenticated request.
func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte, tok Token) {
	if m := uploadPath.FindStringSubmatch(r.URL.Path); m != nil {
		if r.Method != http.MethodPost || !s.ownRepo(m[1], m[2]) {
			s.expectFailed(w, r, "uploads are POSTs to this repository")
			return
		}
		id, _ := strconv.ParseInt(m[3], 10, 64)
		s.upload(w, r, id, body)
		return
	}
	m := repoPath.FindStringSubmatch(r.URL.Path)
	if m == nil || !s.ownRepo(m[1], m[2]) {
		s.expectFailed(w, r, "no such route")
		return
	}
	rest := strings.TrimSuffix(m[3], "/")
	parts := strings.Split(strings.TrimPrefix(rest, "/"), "/")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case rest == "" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]any{"id": 1, "name": s.cfg.Repo, "full_name": s.cfg.Owner + "/" + s.cfg.Repo, "private": s.cfg.Private,
			"permissions": map[string]bool{"admin": false, "maintain": false, "push": tok.Push, "triage": tok.Push, "pull": true}})
	case rest == "/releases" && r.Method == http.MethodGet:
		s.listReleases(w, r)
	case rest == "/releases" && r.Method == http.MethodPost:
		s.createRelease(w, r, body)
	case len(parts) == 3 && parts[0] == "releases" && parts[1] == "tags" && r.Method == http.MethodGet:
		for _, rel := range s.releases {
			if !rel.Draft && rel.Tag == parts[2] {
				writeJSON(w, 200, s.releaseJSON(rel))
				return
			}
		}
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
	case len(parts) == 2 && parts[0] == "releases" && parts[1] != "assets":
		rel := s.release(parts[1])
		if rel == nil {
			writeJSON(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, s.releaseJSON(rel))
		case http.MethodPatch:
			s.updateRelease(w, r, rel, body)
		default:
			s.expectFailed(w, r, "releases are read, created and PATCHed")
		}
	case len(parts) == 3 && parts[0] == "releases" && parts[2] == "assets" && r.Method == http.MethodGet:
		rel := s.release(parts[1])
		if rel == nil {
			writeJSON(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		s.listAssets(w, r, rel)
	case len(parts) == 3 && parts[0] == "releases" && parts[1] == "assets":
		rel, a := s.asset(parts[2])
		if a == nil {
			writeJSON(w, 404, map[string]any{"message": "Not Found"})
			return
		}
		switch {
		case r.Method == http.MethodGet && r.Header.Get("Accept") == "application/octet-stream":
			w.Header().Set("Content-Type", a.ContentType)
			w.WriteHeader(200)
			_, _ = w.Write(a.Data)
		case r.Method == http.MethodGet:
			writeJSON(w, 200, s.assetJSON(rel, a))
		case r.Method == http.MethodDelete:
			if rel.Immutable {
				writeJSON(w, 422, map[string]any{"message": "Cannot delete asset from an immutable release."})
				return
			}
			for i, x := range rel.Assets {
				if x == a {
					rel.Assets = append(rel.Assets[:i], rel.Assets[i+1:]...)
				}
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			s.expectFailed(w, r, "assets are read and deleted")
		}
	default:
		s.expectFailed(w, r, "no such route")
	}
}

func (s *Server) ownRepo(owner, repo string) bool {
	return strings.EqualFold(owner, s.cfg.Owner) && strings.EqualFold(repo, s.cfg.Repo)
}

func (s *Server) release(id string) *Release {
	n, _ := strconv.ParseInt(id, 10, 64)
	for _, rel := range s.releases {
		if rel.ID == n {
			return rel
		}
	}
	return nil
}

func (s *Server) asset(id string) (*Release, *Asset) {
	n, _ := strconv.ParseInt(id, 10, 64)
	for _, rel := range s.releases {
		for _, a := range rel.Assets {
			if a.ID == n {
				return rel, a
			}
		}
	}
	return nil, nil
}

// strictBody decodes a JSON body, refusing keys the endpoint does not have.
func (s *Server) strictBody(w http.ResponseWriter, r *http.Request, body []byte, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		s.unexpect(r.Method + " " + r.URL.Path + ": body " + err.Error())
		writeJSON(w, 400, map[string]any{"message": "Problems parsing JSON"})
		return false
	}
	return true
}

type releaseBody struct {
	TagName                *string `json:"tag_name"`
	TargetCommitish        *string `json:"target_commitish"`
	Name                   *string `json:"name"`
	Body                   *string `json:"body"`
	Draft                  *bool   `json:"draft"`
	Prerelease             *bool   `json:"prerelease"`
	MakeLatest             *string `json:"make_latest"`
	GenerateReleaseNotes   *bool   `json:"generate_release_notes"`
	DiscussionCategoryName *string `json:"discussion_category_name"`
}

var tagSyntax = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

func (s *Server) createRelease(w http.ResponseWriter, r *http.Request, body []byte) {
	var b releaseBody
	if !s.strictBody(w, r, body, &b) {
		return
	}
	if b.TagName == nil || !tagSyntax.MatchString(*b.TagName) {
		writeJSON(w, 422, validation("Release", "tag_name", "missing_field"))
		return
	}
	if !s.validLatest(w, b.MakeLatest) {
		return
	}
	for _, rel := range s.releases {
		if !rel.Draft && rel.Tag == *b.TagName {
			writeJSON(w, 422, validation("Release", "tag_name", "already_exists"))
			return
		}
	}
	s.nextID++
	rel := &Release{ID: s.nextID, Tag: *b.TagName, Draft: b.Draft != nil && *b.Draft, untagged: fmt.Sprintf("untagged-%012x", s.nextID*7919)}
	if b.Name != nil {
		rel.Name = *b.Name
	}
	if b.Body != nil {
		if len(*b.Body) > 125000 {
			writeJSON(w, 422, validation("Release", "body", "too_long"))
			return
		}
		rel.Body = *b.Body
	}
	if !rel.Draft && s.cfg.Immutable {
		rel.Immutable = true
	}
	s.releases = append(s.releases, rel)
	w.Header().Set("Location", s.URL+"/api/v3/repos/"+s.cfg.Owner+"/"+s.cfg.Repo+"/releases/"+strconv.FormatInt(rel.ID, 10))
	writeJSON(w, 201, s.releaseJSON(rel))
}

func (s *Server) validLatest(w http.ResponseWriter, v *string) bool {
	if v != nil && *v != "true" && *v != "false" && *v != "legacy" {
		writeJSON(w, 422, validation("Release", "make_latest", "invalid"))
		return false
	}
	return true
}

func (s *Server) updateRelease(w http.ResponseWriter, r *http.Request, rel *Release, body []byte) {
	var b releaseBody
	if !s.strictBody(w, r, body, &b) || !s.validLatest(w, b.MakeLatest) {
		return
	}
	if rel.Immutable {
		writeJSON(w, 422, map[string]any{"message": "Cannot modify an immutable release."})
		return
	}
	if b.Draft != nil && !*b.Draft && rel.Draft {
		for _, other := range s.releases {
			if !other.Draft && other.Tag == rel.Tag {
				writeJSON(w, 422, validation("Release", "tag_name", "already_exists"))
				return
			}
		}
	}
	if b.Name != nil {
		rel.Name = *b.Name
	}
	if b.Body != nil {
		rel.Body = *b.Body
	}
	if b.MakeLatest != nil {
		rel.MakeLatest = *b.MakeLatest
	}
	if b.Draft != nil {
		if rel.Draft && !*b.Draft && s.cfg.Immutable {
			rel.Immutable = true
		}
		rel.Draft = *b.Draft
	}
	writeJSON(w, 200, s.releaseJSON(rel))
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, id int64, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rel := s.release(strconv.FormatInt(id, 10))
	name := r.URL.Query().Get("name")
	switch {
	case rel == nil:
		writeJSON(w, 404, map[string]any{"message": "Not Found"})
		return
	case name == "":
		s.unexpect("upload without ?name=")
		writeJSON(w, 422, validation("ReleaseAsset", "name", "missing_field"))
		return
	case r.Header.Get("Content-Type") == "" || r.ContentLength < 0 || int64(len(body)) != r.ContentLength:
		s.unexpect("upload of " + name + " without Content-Type or an exact Content-Length")
		writeJSON(w, 400, map[string]any{"message": "Bad Content-Length or Content-Type"})
		return
	case rel.Immutable:
		writeJSON(w, 422, map[string]any{"message": "Cannot upload assets to an immutable release."})
		return
	}
	for _, a := range rel.Assets {
		if a.Name == name {
			writeJSON(w, 422, validation("ReleaseAsset", "name", "already_exists"))
			return
		}
	}
	s.nextID++
	a := &Asset{ID: s.nextID, Name: name, ContentType: r.Header.Get("Content-Type"), Data: body, State: "uploaded"}
	rel.Assets = append(rel.Assets, a)
	writeJSON(w, 201, s.assetJSON(rel, a))
}

func validation(resource, field, code string) map[string]any {
	return map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"resource": resource, "field": field, "code": code}},
		"documentation_url": "https://docs.github.com/rest/releases"}
}

func (s *Server) listReleases(w http.ResponseWriter, r *http.Request) {
	// Newest first, as GitHub lists them.
	items := make([]any, 0, len(s.releases))
	for i := len(s.releases) - 1; i >= 0; i-- {
		items = append(items, s.releaseJSON(s.releases[i]))
	}
	s.page(w, r, items)
}

func (s *Server) listAssets(w http.ResponseWriter, r *http.Request, rel *Release) {
	items := make([]any, 0, len(rel.Assets))
	for _, a := range rel.Assets {
		items = append(items, s.assetJSON(rel, a))
	}
	s.page(w, r, items)
}

// page writes one page of a list with a Link header, as GitHub paginates.
func (s *Server) page(w http.ResponseWriter, r *http.Request, items []any) {
	per, page := 30, 1
	if v, err := strconv.Atoi(r.URL.Query().Get("per_page")); err == nil && v > 0 {
		per = min(v, 100)
	}
	if s.cfg.PageSize > 0 {
		per = min(per, s.cfg.PageSize)
	}
	if v, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && v > 0 {
		page = v
	}
	start := min((page-1)*per, len(items))
	end := min(start+per, len(items))
	if end < len(items) {
		u := *r.URL
		q := u.Query()
		q.Set("page", strconv.Itoa(page+1))
		u.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, s.URL, u.String()))
	}
	writeJSON(w, 200, items[start:end])
}

func (s *Server) releaseJSON(rel *Release) map[string]any {
	base := s.URL + "/api/v3/repos/" + s.cfg.Owner + "/" + s.cfg.Repo + "/releases/" + strconv.FormatInt(rel.ID, 10)
	tag := rel.Tag
	if rel.Draft {
		tag = rel.untagged
	}
	assets := []any{}
	for _, a := range rel.Assets {
		assets = append(assets, s.assetJSON(rel, a))
	}
	return map[string]any{
		"id": rel.ID, "tag_name": rel.Tag, "name": rel.Name, "body": rel.Body, "draft": rel.Draft, "prerelease": false,
		"immutable": rel.Immutable, "url": base, "assets_url": base + "/assets",
		"html_url":   s.URL + "/" + s.cfg.Owner + "/" + s.cfg.Repo + "/releases/tag/" + tag,
		"upload_url": s.URL + "/api/uploads/repos/" + s.cfg.Owner + "/" + s.cfg.Repo + "/releases/" + strconv.FormatInt(rel.ID, 10) + "/assets{?name,label}",
		"created_at": "2026-11-25T12:00:00Z", "assets": assets, "target_commitish": "main",
	}
}

func (s *Server) assetJSON(rel *Release, a *Asset) map[string]any {
	tag := rel.Tag
	if rel.Draft {
		tag = rel.untagged
	}
	sum := sha256.Sum256(a.Data)
	digest := any("sha256:" + hex.EncodeToString(sum[:]))
	if s.cfg.NoDigests {
		digest = nil
	}
	return map[string]any{
		"id": a.ID, "name": a.Name, "label": "", "state": a.State, "content_type": a.ContentType, "size": len(a.Data),
		"digest": digest, "download_count": 0,
		"url":                  s.URL + "/api/v3/repos/" + s.cfg.Owner + "/" + s.cfg.Repo + "/releases/assets/" + strconv.FormatInt(a.ID, 10),
		"browser_download_url": s.URL + "/" + s.cfg.Owner + "/" + s.cfg.Repo + "/releases/download/" + tag + "/" + a.Name,
	}
}

// serveDownload serves a published release's file, as github.com does for
// everyone (the repository is public for downloads).
func (s *Server) serveDownload(w http.ResponseWriter, owner, repo, tag, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ownRepo(owner, repo) {
		for _, rel := range s.releases {
			if rel.Tag == tag && !rel.Draft {
				for _, a := range rel.Assets {
					if a.Name == name {
						w.Header().Set("Content-Type", "application/octet-stream")
						w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
						_, _ = w.Write(a.Data)
						return
					}
				}
			}
		}
	}
	http.NotFound(w, nil)
}

func writeJSON(w http.ResponseWriter, status int, v any) { fakehttp.WriteJSON(w, status, v) }
