// Package ghrelease is a client of GitHub releases, over google/go-github: find a
// release by tag (drafts included), create a draft, list, upload, download and
// delete assets, publish. It checks before any write that the token may publish,
// retries rate limits and server errors with backoff, never repeats a create or
// an upload whose outcome is unknown (KindAmbiguous: look, then decide), and
// classifies every failure so that the command line can choose an exit code.
//
// Where its requests and the token go is internal/safehttp's policy: the token
// only to the API's and the uploads' origins, no redirect to another origin,
// downloads' storage without credentials.
//
// The package is a leaf: of this module it imports only internal leaves —
// safehttp, ghurl (the one place for GitHub's URL and tag rules) and retry
// (error kinds, backoff, Retry-After, the wait), shared with zendesk.
package ghrelease

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v89/github"

	"github.com/atlas-release/atlas-release/internal/ghurl"
	"github.com/atlas-release/atlas-release/internal/retry"
	"github.com/atlas-release/atlas-release/internal/safehttp"
)

// Defaults of Options.
const (
	DefaultMaxAttempts = 5
	DefaultMaxWait     = 5 * time.Minute
)

// Options configure a Client.
type Options struct {
	// APIURL is the REST API: empty or https://api.github.com for github.com,
	// else a GitHub Enterprise Server API such as https://ghe.example.com/api/v3.
	// Plain HTTP is accepted only for a loopback address (a fake).
	APIURL string
	// Token authenticates every request. Required.
	Token string
	// Repository is "owner/name".
	Repository string
	HTTPClient *http.Client
	// MaxAttempts bounds the attempts of one call.
	MaxAttempts int
	// MaxWait is the longest wait for a rate limit to reset; a longer one fails
	// the call.
	MaxWait   time.Duration
	UserAgent string
	// Clock and Sleep replace the wall clock in tests.
	Clock func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client publishes releases to one repository.
type Client struct {
	gh          *github.Client
	owner, repo string
	web         string       // where releases are seen and downloaded, e.g. https://github.com
	download    *http.Client // the API client, stopping at redirects to storage
	storage     *http.Client // follows downloads to storage hosts, without credentials
	redactor    *safehttp.Redactor
	attempts    int
	maxWait     time.Duration
	clock       func() time.Time
	sleep       func(ctx context.Context, d time.Duration) error
	requests    atomic.Int64
	writes      atomic.Int64
}

// Release is a GitHub release.
type Release struct {
	ID        int64   `json:"id"`
	Tag       string  `json:"tag"`
	Name      string  `json:"name"`
	Body      string  `json:"-"`
	Draft     bool    `json:"draft"`
	Immutable bool    `json:"immutable"`
	HTMLURL   string  `json:"url"`
	Assets    []Asset `json:"assets"`

	upload string
}

// Asset is a file of a release.
type Asset struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
	// State is "uploaded" once the upload completed.
	State string `json:"state"`
	// SHA256 is the digest GitHub computed, hex, or "" when the server does not
	// report digests.
	SHA256      string `json:"sha256,omitempty"`
	DownloadURL string `json:"downloadUrl"`
}

// Stats count what a client did.
type Stats struct {
	Requests int64 `json:"requests"`
	Writes   int64 `json:"writes"`
}

// New returns a client of one repository.
func New(o Options) (*Client, error) {
	owner, repo, ok := strings.Cut(o.Repository, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return nil, fmt.Errorf("github: %q is not a repository like owner/name", o.Repository)
	}
	if strings.TrimSpace(o.Token) == "" {
		return nil, errors.New("github: no token")
	}
	c := &Client{owner: owner, repo: repo, redactor: safehttp.NewRedactor(o.Token), attempts: o.MaxAttempts, maxWait: o.MaxWait, clock: o.Clock, sleep: o.Sleep}
	if c.attempts <= 0 {
		c.attempts = DefaultMaxAttempts
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxWait
	}
	if c.clock == nil {
		c.clock = time.Now //nolint:forbidigo // retries wait on the wall clock; nothing written depends on it
	}
	if c.sleep == nil {
		c.sleep = retry.Sleep
	}
	base := &http.Client{Timeout: 10 * time.Minute}
	if o.HTTPClient != nil {
		copied := *o.HTTPClient
		base = &copied
	}
	inner := base.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	counting := roundTripper(func(req *http.Request) (*http.Response, error) {
		c.requests.Add(1)
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			c.writes.Add(1)
		}
		return inner.RoundTrip(req)
	})
	api, web, err := apiURLs(o.APIURL)
	if err != nil {
		return nil, err
	}
	c.web = web
	// Rate limits are waited out here, on the injected clock, rather than
	// refused by go-github before a request is made.
	opts := []github.ClientOptionsFunc{github.WithDisableRateLimitCheck()}
	if o.UserAgent != "" {
		opts = append(opts, github.WithUserAgent(o.UserAgent))
	}
	apiOrigin, uploadOrigin := &url.URL{Scheme: "https", Host: "api.github.com"}, &url.URL{Scheme: "https", Host: "uploads.github.com"}
	if api != "" {
		u, err := url.Parse(api)
		if err != nil {
			return nil, err
		}
		apiOrigin = &url.URL{Scheme: u.Scheme, Host: u.Host}
		uploadOrigin = apiOrigin
		opts = append(opts, github.WithEnterpriseURLs(api, apiOrigin.String()+"/api/uploads/"))
	}
	base.Transport = answers(counting)
	// The token is attached by the transport, and only to the API's and the
	// uploads' origins; the client sends nothing anywhere else, and follows no
	// redirect to another origin.
	hc := safehttp.NewClient(base, safehttp.Options{Origins: []*url.URL{apiOrigin, uploadOrigin}, Strict: true,
		Authorize: func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+o.Token) }})
	opts = append(opts, github.WithHTTPClient(hc))
	c.download = safehttp.StopAtOtherOrigins(hc)
	// Asset downloads redirect to a storage host, which gets no credentials.
	c.storage = safehttp.NewClient(&http.Client{Timeout: base.Timeout, Transport: counting}, safehttp.Options{})
	gh, err := github.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	c.gh = gh
	return c, nil
}

// maxAnswerBytes bounds an answer of the API: a page of 100 releases with the
// longest bodies GitHub accepts fits. Downloads are not bounded here; their
// readers stream them. A variable for tests.
var maxAnswerBytes int64 = 64 << 20

// answerError is an answer that cannot be taken for what it says: larger than
// maxAnswerBytes, or a success that is not one JSON value.
type answerError struct{ err error }

func (e *answerError) Error() string { return e.err.Error() }
func (e *answerError) Unwrap() error { return e.err }

// answers bounds every answer but a download's, and refuses a successful one
// that is not empty or one JSON value (trailing bytes included): go-github
// would read an answer without end, and decode the first value of a garbled
// one as if it were the answer.
func answers(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil || req.Header.Get("Accept") == "application/octet-stream" {
			return resp, err
		}
		resp.Body = safehttp.LimitedBody(resp.Body, maxAnswerBytes)
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return resp, nil
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, &answerError{fmt.Errorf("reading the answer: %w", err)}
		}
		if len(bytes.TrimSpace(b)) > 0 && !json.Valid(b) {
			return nil, &answerError{fmt.Errorf("the %d answer is not one JSON value", resp.StatusCode)}
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		return resp, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// apiURLs returns the Enterprise API URL ("" for github.com) and the web URL
// releases are downloaded from: internal/ghurl's rules, and safehttp's policy
// on the schemes a token may travel over.
func apiURLs(api string) (string, string, error) {
	api, web, err := ghurl.Parse(api)
	if err != nil || api == "" {
		return api, web, err
	}
	u, err := url.Parse(api)
	if err != nil {
		return "", "", err
	}
	if err := safehttp.CheckScheme(u); err != nil {
		return "", "", fmt.Errorf("github: the token is only sent over HTTPS: %w", err)
	}
	return api, web, nil
}

// DownloadURL is where a release's file is downloaded from once the release is
// published: <web>/<owner>/<repo>/releases/download/<tag>/<name>.
func (c *Client) DownloadURL(tag, name string) string {
	return ghurl.DownloadURL(c.web, c.Repository(), tag, name)
}

// Repository is "owner/name".
func (c *Client) Repository() string { return c.owner + "/" + c.repo }

// Stats returns what the client has done so far.
func (c *Client) Stats() Stats { return Stats{Requests: c.requests.Load(), Writes: c.writes.Load()} }

// Preflight checks, without writing, that the token may publish releases to
// the repository. A token that cannot is a KindPermission (or KindAuth) error.
func (c *Client) Preflight(ctx context.Context) error {
	var repo *github.Repository
	var resp *github.Response
	err := c.call(ctx, "read repository "+c.Repository(), false, func() (*github.Response, error) {
		var err error
		repo, resp, err = c.gh.Repositories.Get(ctx, c.owner, c.repo)
		return resp, err
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Kind == KindNotFound {
			e.Kind = KindPermission
			e.Message = "the token cannot see the repository (or it does not exist): give it access to " + c.Repository()
		}
		return err
	}
	// The answer says what the token's user may do; when it says nothing,
	// the first write will tell.
	if p := repo.GetPermissions(); p != nil && !p.GetPush() {
		return &Error{Kind: KindPermission, Op: "publish to " + c.Repository(), Status: 200,
			Message: "the token may read but not write to the repository: it needs contents: write (classic tokens: the repo scope)"}
	}
	// Classic tokens list their scopes; fine-grained and app tokens do not.
	if resp != nil && resp.Header.Get("X-OAuth-Scopes") != "" {
		scopes := strings.Split(strings.ReplaceAll(resp.Header.Get("X-OAuth-Scopes"), " ", ""), ",")
		publicOnly := slices.Contains(scopes, "public_repo") && !repo.GetPrivate()
		if !slices.Contains(scopes, "repo") && !publicOnly {
			return &Error{Kind: KindPermission, Op: "publish to " + c.Repository(), Status: 200,
				Message: fmt.Sprintf("the token's scopes (%s) do not allow publishing releases: it needs the repo scope", c.clean(strings.Join(scopes, ", ")))}
		}
	}
	return nil
}

// FindRelease returns the release of a tag, a draft included, or nil.
func (c *Client) FindRelease(ctx context.Context, tag string) (*Release, error) {
	var rel *github.RepositoryRelease
	err := c.call(ctx, "find release "+tag, false, func() (*github.Response, error) {
		var err error
		var resp *github.Response
		rel, resp, err = c.gh.Repositories.GetReleaseByTag(ctx, c.owner, c.repo, tag)
		return resp, err
	})
	if err == nil {
		return c.release(ctx, rel)
	}
	if KindOf(err) != KindNotFound {
		return nil, err
	}
	// Drafts have no tag yet, so only the list finds them.
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < 100; page++ {
		var list []*github.RepositoryRelease
		var resp *github.Response
		err := c.call(ctx, "list releases", false, func() (*github.Response, error) {
			var err error
			list, resp, err = c.gh.Repositories.ListReleases(ctx, c.owner, c.repo, opts)
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for _, r := range list {
			if r.TagName == tag {
				return c.release(ctx, r)
			}
		}
		if resp == nil || resp.NextPage == 0 {
			return nil, nil
		}
		opts.Page = resp.NextPage
	}
	return nil, nil
}

// release converts a release and lists all its assets.
func (c *Client) release(ctx context.Context, r *github.RepositoryRelease) (*Release, error) {
	out := &Release{ID: r.ID, Tag: r.TagName, Name: r.GetName(), Body: r.GetBody(), Draft: r.Draft, Immutable: r.GetImmutable(), HTMLURL: r.HTMLURL, upload: r.UploadURL}
	if out.ID <= 0 {
		return nil, &Error{Kind: KindOther, Op: "read release", Status: 200, Message: "malformed answer: a release without an id"}
	}
	assets, err := c.Assets(ctx, out.ID)
	if err != nil {
		return nil, err
	}
	out.Assets = assets
	return out, nil
}

// Assets lists a release's assets.
func (c *Client) Assets(ctx context.Context, releaseID int64) ([]Asset, error) {
	var out []Asset
	opts := &github.ListOptions{PerPage: 100}
	for page := 0; page < 100; page++ {
		var list []*github.ReleaseAsset
		var resp *github.Response
		err := c.call(ctx, "list assets", false, func() (*github.Response, error) {
			var err error
			list, resp, err = c.gh.Repositories.ListReleaseAssets(ctx, c.owner, c.repo, releaseID, opts)
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		for _, a := range list {
			out = append(out, assetOf(a))
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	return out, nil
}

func assetOf(a *github.ReleaseAsset) Asset {
	sum := ""
	if d, ok := strings.CutPrefix(a.GetDigest(), "sha256:"); ok && len(d) == 64 {
		sum = strings.ToLower(d)
	}
	state := a.GetState()
	if state == "" {
		state = "uploaded" // servers that do not report states list only complete uploads
	}
	return Asset{ID: a.GetID(), Name: a.GetName(), Size: int64(a.GetSize()), State: state, SHA256: sum, DownloadURL: a.GetBrowserDownloadURL()}
}

// CreateDraft creates a draft release of a tag. It is not safe to repeat: on a
// KindAmbiguous error, look with FindRelease first.
func (c *Client) CreateDraft(ctx context.Context, tag, name, body string) (*Release, error) {
	var rel *github.RepositoryRelease
	draft := true
	err := c.call(ctx, "create release "+tag, true, func() (*github.Response, error) {
		var err error
		var resp *github.Response
		rel, resp, err = c.gh.Repositories.CreateRelease(ctx, c.owner, c.repo, github.CreateReleaseRequest{
			TagName: tag, Name: &name, Body: &body, Draft: &draft})
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return c.release(ctx, rel)
}

// Upload uploads a file to a release. open is called for each attempt. It is not
// safe to repeat: on a KindAmbiguous error, list the assets first. An answer
// that does not describe the file sent — its name, its size, the state
// "uploaded" and, when the server reports one, its digest — is KindAmbiguous
// too: a lost or garbled answer is never taken for a completed upload.
func (c *Client) Upload(ctx context.Context, rel *Release, name, contentType string, size int64, open func() (io.ReadCloser, error)) (*Asset, error) {
	target, err := url.Parse(strings.SplitN(rel.upload, "{", 2)[0])
	if err != nil || rel.upload == "" {
		return nil, &Error{Kind: KindOther, Op: "upload " + name, Message: "the release has no usable upload URL"}
	}
	q := target.Query()
	q.Set("name", name)
	target.RawQuery = q.Encode()
	var asset *Asset
	err = c.call(ctx, "upload "+name, true, func() (*github.Response, error) {
		f, err := open()
		if err != nil {
			return nil, &localError{err}
		}
		defer f.Close()
		sum := sha256.New()
		req, err := c.gh.NewUploadRequest(ctx, target.String(), io.TeeReader(f, sum), size, contentType)
		if err != nil {
			return nil, &localError{err}
		}
		// A redirect within the origin sends the file again, from the start.
		req.GetBody = func() (io.ReadCloser, error) {
			again, err := open()
			if err != nil {
				return nil, err
			}
			sum.Reset()
			return struct {
				io.Reader
				io.Closer
			}{io.TeeReader(again, sum), again}, nil
		}
		var answer bytes.Buffer
		resp, err := c.gh.Do(req, &answer)
		if err != nil {
			return resp, err
		}
		asset, err = c.uploaded(name, size, hex.EncodeToString(sum.Sum(nil)), resp.StatusCode, answer.Bytes())
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return asset, nil
}

// uploaded reads an upload's answer, which must be one JSON object describing
// the file that was sent.
func (c *Client) uploaded(name string, size int64, sha256Hex string, status int, answer []byte) (*Asset, error) {
	ambiguous := func(why string) error {
		return &Error{Kind: KindAmbiguous, Op: "upload " + name, Status: status,
			Message: "the answer " + why + ", so it is unknown whether the file is there: list the release's assets before trying again"}
	}
	var ra github.ReleaseAsset
	if len(bytes.TrimSpace(answer)) == 0 {
		return nil, ambiguous("is empty")
	}
	if err := json.Unmarshal(answer, &ra); err != nil {
		return nil, ambiguous("is not the JSON of an asset (" + c.clean(err.Error()) + ")")
	}
	a := assetOf(&ra)
	switch {
	case ra.GetID() <= 0:
		return nil, ambiguous("names no asset id")
	case ra.GetName() != name:
		return nil, ambiguous(fmt.Sprintf("describes %q, not %q", c.clean(ra.GetName()), name))
	case int64(ra.GetSize()) != size:
		return nil, ambiguous(fmt.Sprintf("gives a size of %d bytes, not the %d sent", ra.GetSize(), size))
	case ra.GetState() != "uploaded":
		return nil, ambiguous(fmt.Sprintf("gives the state %q, not \"uploaded\"", c.clean(ra.GetState())))
	case strings.HasPrefix(ra.GetDigest(), "sha256:") && a.SHA256 != sha256Hex:
		return nil, ambiguous(fmt.Sprintf("gives the digest %q, not that of the bytes sent (sha256:%s)", c.clean(ra.GetDigest()), sha256Hex))
	}
	return &a, nil
}

// DeleteAsset deletes an asset.
func (c *Client) DeleteAsset(ctx context.Context, id int64) error {
	return c.call(ctx, "delete asset", false, func() (*github.Response, error) {
		return c.gh.Repositories.DeleteReleaseAsset(ctx, c.owner, c.repo, id)
	})
}

// Download opens an asset's content. The API answers with the content, or
// with a redirect to a storage host, which is asked anew without credentials.
func (c *Client) Download(ctx context.Context, id int64) (io.ReadCloser, error) {
	var rc io.ReadCloser
	err := c.call(ctx, "download asset", false, func() (*github.Response, error) {
		req, err := c.gh.NewRequest(ctx, http.MethodGet, fmt.Sprintf("repos/%s/%s/releases/assets/%d", url.PathEscape(c.owner), url.PathEscape(c.repo), id), nil)
		if err != nil {
			return nil, &localError{err}
		}
		req.Header.Set("Accept", "application/octet-stream")
		resp, err := c.download.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			loc, lerr := resp.Location()
			resp.Body.Close()
			if lerr != nil {
				return nil, &Error{Kind: KindOther, Op: "download asset", Status: resp.StatusCode, Message: "a redirect without a usable Location"}
			}
			sreq, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
			if err != nil {
				return nil, &localError{err}
			}
			sreq.Header.Set("Accept", "application/octet-stream")
			if resp, err = c.storage.Do(sreq); err != nil {
				return nil, err
			}
		}
		if err := github.CheckResponse(resp); err != nil {
			resp.Body.Close()
			return nil, err
		}
		rc = resp.Body
		return nil, nil
	})
	return rc, err
}

// Publish turns a draft into a published release, with its name and body, and
// marks it as the latest release or not. Setting values, it is safe to repeat.
func (c *Client) Publish(ctx context.Context, id int64, name, body string, latest bool) (*Release, error) {
	draft := false
	makeLatest := "false"
	if latest {
		makeLatest = "true"
	}
	var rel *github.RepositoryRelease
	err := c.call(ctx, "publish release", false, func() (*github.Response, error) {
		var err error
		var resp *github.Response
		rel, resp, err = c.gh.Repositories.UpdateRelease(ctx, c.owner, c.repo, id, github.UpdateReleaseRequest{
			Name: &name, Body: &body, Draft: &draft, MakeLatest: &makeLatest})
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return c.release(ctx, rel)
}

// localError is a failure on this side (a file that cannot be opened): final.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }
