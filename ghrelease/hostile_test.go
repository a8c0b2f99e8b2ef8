package ghrelease_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/ghrelease/ghreleasetest"
)

// elsewhere is a second server, on another origin, that records every request.
type elsewhere struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newElsewhere(t *testing.T) *elsewhere {
	e := &elsewhere{}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.seen = append(e.seen, fmt.Sprintf("%s %s Authorization=%q Cookie=%q body=%dB", r.Method, r.URL.Path,
			r.Header.Get("Authorization"), r.Header.Get("Cookie"), len(b)))
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = io.WriteString(w, "from storage")
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *elsewhere) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.seen...)
}

var redirectStatuses = []int{301, 302, 303, 307, 308}

// TestNoTokenAcrossRedirects: whatever the call and the redirect status, a
// redirect to another origin — another port of the same address, or the same
// server under another name — gets neither the token nor the asset's bytes, and
// the call fails, final (exit 1), saying why. A download's storage host is asked
// anew, without credentials.
func TestNoTokenAcrossRedirects(t *testing.T) {
	other := newElsewhere(t)
	port := other.URL[strings.LastIndex(other.URL, ":")+1:]
	for _, to := range []string{other.URL, "http://localhost:" + port} {
		for _, status := range redirectStatuses {
			for _, op := range []string{"API GET", "API POST", "API PATCH", "upload", "download"} {
				t.Run(fmt.Sprintf("%s %d to %s", op, status, to), func(t *testing.T) {
					srv, c, _ := setup(t, ghreleasetest.Config{}, token)
					ctx := t.Context()
					var rel *ghrelease.Release
					var asset *ghrelease.Asset
					if op != "API POST" {
						var err error
						if rel, err = c.CreateDraft(ctx, "v1.0.0", "One", "notes"); err != nil {
							t.Fatal(err)
						}
						asset = upload(t, c, rel, "a.txt", "asset bytes")
					}
					var err error
					switch op {
					case "API GET":
						srv.Redirect("GET", "/releases/tags/", status, 1, to)
						_, err = c.FindRelease(ctx, "v1.0.0")
					case "API POST":
						srv.Redirect("POST", "/releases$", status, 1, to)
						_, err = c.CreateDraft(ctx, "v1.0.0", "One", "notes")
					case "API PATCH":
						srv.Redirect("PATCH", "/releases/", status, 1, to)
						_, err = c.Publish(ctx, rel.ID, "One", "notes", true)
					case "upload":
						srv.Redirect("POST", "/assets$", status, 1, to)
						_, err = c.Upload(ctx, rel, "b.txt", "text/plain", 11, func() (io.ReadCloser, error) {
							return io.NopCloser(strings.NewReader("asset bytes")), nil
						})
					case "download":
						srv.Redirect("GET", "/releases/assets/", status, 1, to)
						var rc io.ReadCloser
						if rc, err = c.Download(ctx, asset.ID); err == nil {
							b, _ := io.ReadAll(rc)
							rc.Close()
							if string(b) != "from storage" {
								t.Errorf("downloaded %q", b)
							}
						}
					}
					got := other.requests()
					other.mu.Lock()
					other.seen = nil
					other.mu.Unlock()
					if op == "download" {
						// GitHub's way to storage: asked anew, without credentials.
						if err != nil || len(got) != 1 || !strings.Contains(got[0], `Authorization="" Cookie=""`) {
							t.Errorf("storage: %v, %q", err, got)
						}
						return
					}
					if len(got) > 0 {
						t.Errorf("the other origin received %q", got)
					}
					if err == nil || !strings.Contains(err.Error(), "redirect") {
						t.Fatalf("no error that names the redirect: %v", err)
					}
					if k := ghrelease.KindOf(err); k != ghrelease.KindOther {
						t.Errorf("kind %s, want other (final, exit 1): %v", k, err)
					}
					if strings.Contains(err.Error(), token) {
						t.Errorf("the error shows the token: %v", err)
					}
				})
			}
		}
	}
}

// TestRedirectsWithinTheOriginAreFollowed: a redirect to the same server is
// followed, with the token; a write keeps its body (307 and 308).
func TestRedirectsWithinTheOriginAreFollowed(t *testing.T) {
	for _, status := range redirectStatuses {
		srv, c, _ := setup(t, ghreleasetest.Config{}, token)
		ctx := t.Context()
		rel, err := c.CreateDraft(ctx, "v1.0.0", "One", "notes")
		if err != nil {
			t.Fatal(err)
		}
		srv.Redirect("GET", "/releases/", status, 1, "")
		if found, err := c.FindRelease(ctx, "v1.0.0"); err != nil || found == nil || found.ID != rel.ID {
			t.Errorf("GET after a %d: %+v %v", status, found, err)
		}
		if status != 307 && status != 308 {
			continue
		}
		srv.Redirect("PATCH", "/releases/", status, 1, "")
		if pub, err := c.Publish(ctx, rel.ID, "One", "notes", true); err != nil || pub.Draft {
			t.Errorf("PATCH after a %d: %+v %v", status, pub, err)
		}
		srv.Redirect("POST", "/assets$", status, 1, "")
		opened := 0
		a, err := c.Upload(ctx, rel, "a.txt", "text/plain", 11, func() (io.ReadCloser, error) {
			opened++
			return io.NopCloser(strings.NewReader("asset bytes")), nil
		})
		if err != nil || a.Name != "a.txt" || opened != 2 {
			t.Errorf("upload after a %d: %+v, opened %d times: %v", status, a, opened, err)
		}
	}
}

// TestUploadAnswersThatDoNotDescribeTheFile: a 201 whose body is empty,
// garbled, or describes another file is ambiguous, whether the file was stored
// or not, never a success.
func TestUploadAnswersThatDoNotDescribeTheFile(t *testing.T) {
	for _, kind := range []ghreleasetest.FaultKind{ghreleasetest.EmptyUploadAnswer, ghreleasetest.EmptyUploadAnswerNotStored,
		ghreleasetest.GarbledUploadAnswer, ghreleasetest.WrongUploadAnswer} {
		srv, c, _ := setup(t, ghreleasetest.Config{}, token)
		rel, err := c.CreateDraft(t.Context(), "v1.0.0", "One", "notes")
		if err != nil {
			t.Fatal(err)
		}
		srv.Inject(ghreleasetest.Fault{Kind: kind, Method: "POST", PathPattern: "/assets$"})
		a, err := c.Upload(t.Context(), rel, "a.txt", "text/plain", 4, func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("data")), nil
		})
		if ghrelease.KindOf(err) != ghrelease.KindAmbiguous || a != nil {
			t.Errorf("fault %d: %+v, %v", kind, a, err)
		}
		if n := len(srv.Requests()); srv.Requests()[n-1].Method != "POST" {
			t.Errorf("fault %d: the upload was repeated or followed by %+v", kind, srv.Requests()[n-1])
		}
	}
}

// TestUploadAnswersAreChecked field by field, against a server that answers 201
// with what it likes.
func TestUploadAnswersAreChecked(t *testing.T) {
	good := map[string]any{"id": 9, "name": "a.txt", "size": 4, "state": "uploaded",
		"digest": "sha256:3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7"}
	with := func(k string, v any) string {
		m := map[string]any{}
		for key, val := range good {
			m[key] = val
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	goodJSON := with("id", 9)
	for name, c := range map[string]struct {
		answer string
		ok     bool
	}{
		"complete":                   {goodJSON, true},
		"no digest (older servers)":  {with("digest", nil), true},
		"empty":                      {"", false},
		"whitespace":                 {" \n", false},
		"null":                       {"null", false},
		"an array":                   {"[" + goodJSON + "]", false},
		"trailing garbage":           {goodJSON + "x", false},
		"a second value":             {goodJSON + goodJSON, false},
		"another name":               {with("name", "b.txt"), false},
		"another size":               {with("size", 5), false},
		"no size":                    {with("size", nil), false},
		"not uploaded yet":           {with("state", "starter"), false},
		"no state":                   {with("state", nil), false},
		"no id":                      {with("id", nil), false},
		"another digest":             {with("digest", "sha256:"+strings.Repeat("0", 64)), false},
		"a malformed digest":         {with("digest", "sha256:abc"), false},
		"a digest of another kind":   {with("digest", "sha512:abc"), true},
		"HTML from a proxy":          {"<html>Created</html>", false},
		"a name with control chars":  {with("name", "a.txt\x1b[2J"), false},
		"an answer without an asset": {`{"message":"ok"}`, false},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(201)
				_, _ = io.WriteString(w, c.answer)
			}))
			defer srv.Close()
			cl, err := ghrelease.New(ghrelease.Options{APIURL: srv.URL + "/api/v3", Token: token, Repository: "acme/runbooks", MaxAttempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			rel := releaseWithUploadURL(t, cl, srv.URL)
			a, err := cl.Upload(t.Context(), rel, "a.txt", "text/plain", 4, func() (io.ReadCloser, error) {
				return io.NopCloser(strings.NewReader("data")), nil
			})
			if c.ok != (err == nil) || (!c.ok && ghrelease.KindOf(err) != ghrelease.KindAmbiguous) {
				t.Fatalf("%+v, %v", a, err)
			}
			if err != nil && strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("the error passes control characters: %q", err)
			}
		})
	}
}

// releaseWithUploadURL finds a release through a fake that answers only what
// FindRelease needs, so that the upload goes to srv.
func releaseWithUploadURL(t *testing.T, c *ghrelease.Client, base string) *ghrelease.Release {
	t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/tags/v1"):
			fmt.Fprintf(w, `{"id":7,"tag_name":"v1","draft":true,"upload_url":"%s/api/uploads/repos/acme/runbooks/releases/7/assets{?name,label}"}`, base)
		default:
			_, _ = io.WriteString(w, "[]")
		}
	}))
	defer front.Close()
	// The release is read from front, with the upload URL of base: the
	// client that uploads is the one configured for base.
	reader, err := ghrelease.New(ghrelease.Options{APIURL: front.URL + "/api/v3", Token: token, Repository: "acme/runbooks"})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := reader.FindRelease(t.Context(), "v1")
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// TestUploadURLsOfAnotherOrigin: a release whose upload URL names another
// origin (a hostile answer) gets nothing: not the file, not the token.
func TestUploadURLsOfAnotherOrigin(t *testing.T) {
	other := newElsewhere(t)
	_, c, _ := setup(t, ghreleasetest.Config{}, token)
	for _, base := range []string{other.URL, strings.Replace(other.URL, "http://", "https://", 1), "http://uploads.example"} {
		rel := releaseWithUploadURL(t, c, base)
		_, err := c.Upload(t.Context(), rel, "a.txt", "text/plain", 4, func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("data")), nil
		})
		if ghrelease.KindOf(err) != ghrelease.KindOther || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s: %v", base, err)
		}
	}
	if got := other.requests(); len(got) > 0 {
		t.Errorf("the other origin received %q", got)
	}
}

// tokenForms are the ways a hostile server could echo the token.
func tokenForms() map[string]string {
	j, _ := json.Marshal(token)
	return map[string]string{
		"verbatim":      token,
		"query-escaped": url.QueryEscape(token),
		"path-escaped":  url.PathEscape(token),
		"base64":        base64.StdEncoding.EncodeToString([]byte(token)),
		"base64 URL":    base64.RawURLEncoding.EncodeToString([]byte(token)),
		"basic auth":    base64.StdEncoding.EncodeToString([]byte("x-access-token:" + token)),
		"JSON":          string(j[1 : len(j)-1]),
		"JSON \\u":      `\u0067\u0068\u0070` + token[3:],
	}
}

// TestErrorsNeverShowTheTokenInAnyForm: a server echoing the token — in an
// error's message, in its field errors, in a header the client quotes, in the
// host of a redirect — in any encoding gets it redacted.
func TestErrorsNeverShowTheTokenInAnyForm(t *testing.T) {
	for name, form := range tokenForms() {
		for _, where := range []string{"message", "errors", "scopes header", "redirect host"} {
			if where == "redirect host" && name != "verbatim" {
				continue // a host name holds only the verbatim form
			}
			t.Run(name+" in "+where, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					switch where {
					case "message":
						w.WriteHeader(422)
						fmt.Fprintf(w, `{"message":"you sent %s"}`, form)
					case "errors":
						w.WriteHeader(422)
						fmt.Fprintf(w, `{"message":"Validation Failed","errors":[{"resource":"Release","code":"custom","message":"token %s"}]}`, form)
					case "scopes header":
						w.Header().Set("X-OAuth-Scopes", "gist, "+form)
						_, _ = io.WriteString(w, `{"id":1,"private":true}`)
					case "redirect host":
						http.Redirect(w, r, "http://"+form+".localhost:1/x", http.StatusFound)
					}
				}))
				defer srv.Close()
				c, err := ghrelease.New(ghrelease.Options{APIURL: srv.URL + "/api/v3", Token: token, Repository: "acme/runbooks", MaxAttempts: 1})
				if err != nil {
					t.Fatal(err)
				}
				err = c.Preflight(t.Context())
				if err == nil {
					t.Fatal("no error")
				}
				for fname, f := range tokenForms() {
					if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(f)) && !strings.HasPrefix(fname, "JSON \\u") {
						t.Errorf("the error shows the token %s: %v", fname, err)
					}
				}
				if strings.Contains(err.Error(), "0123456789") {
					t.Errorf("the error shows part of the token: %v", err)
				}
			})
		}
	}
}

// TestAnswersThatCannotBeTrusted: a successful answer that is not one JSON
// value, or is larger than the client reads, fails the call instead of being
// decoded in part.
func TestAnswersThatCannotBeTrusted(t *testing.T) {
	defer ghrelease.SetMaxAnswerBytes(64 << 10)()
	for name, c := range map[string]struct {
		body func(io.Writer)
		want string
	}{
		"trailing garbage": {func(w io.Writer) {
			_, _ = io.WriteString(w, `{"id":1,"private":true,"permissions":{"push":true}} {"id":2}`)
		}, "not one JSON value"},
		"a second value": {func(w io.Writer) {
			_, _ = io.WriteString(w, `{"id":1,"private":true,"permissions":{"push":true}}{"id":2}`)
		}, "not one JSON value"},
		"truncated": {func(w io.Writer) {
			_, _ = io.WriteString(w, `{"id":1,"private":true,"permissions":{"push":true}`)
		}, "not one JSON value"},
		"endless": {func(w io.Writer) {
			_, _ = io.WriteString(w, `{"id":1,"name":"`)
			chunk := strings.Repeat("x", 1<<10)
			for range 65 {
				_, _ = io.WriteString(w, chunk)
			}
			_, _ = io.WriteString(w, `"}`)
		}, "larger than"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				c.body(w)
			}))
			defer srv.Close()
			cl, _ := ghrelease.New(ghrelease.Options{APIURL: srv.URL + "/api/v3", Token: token, Repository: "acme/runbooks", MaxAttempts: 1})
			if err := cl.Preflight(t.Context()); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v, want %q", err, c.want)
			}
		})
	}
}
