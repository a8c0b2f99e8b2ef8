package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/atlas-release/atlas-release/cut"
	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/internal/ghurl"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
)

// GitHubOptions configure publishing a cut as a GitHub release.
type GitHubOptions struct {
	Workspace *releases.Workspace
	Cut       *cut.Folder
	Client    *ghrelease.Client
	// Replace replaces assets whose content differs (never on an immutable
	// release).
	Replace bool
	// DryRun plans without writing.
	DryRun bool
	// Progress is told when each write starts and when it is done; it may be
	// nil.
	Progress func(Event)
	// OnWrite is told about every completed write (the journal records them).
	OnWrite func(Write)
}

// GitHubResult is what publishing to GitHub did, or would do.
type GitHubResult struct {
	Repository string        `json:"repository"`
	Tag        string        `json:"tag"`
	URL        string        `json:"url,omitempty"`
	Release    Action        `json:"release"`
	Draft      bool          `json:"draft"`
	Immutable  bool          `json:"immutable"`
	Assets     []AssetResult `json:"assets"`
	// Outcome is what became of the release's own writes (create the draft,
	// publish it); Error says why it failed. Draft is the release's actual
	// state: a release whose assets could not all be confirmed stays a draft.
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
	// Extra lists assets of the release that the cut does not have; they are
	// left alone.
	Extra    []string `json:"extra,omitempty"`
	DryRun   bool     `json:"dryRun"`
	Requests int64    `json:"requests"`
	Writes   int64    `json:"writes"`
}

// AssetResult is one file of the release.
type AssetResult struct {
	Name   string `json:"name"`
	Action Action `json:"action"`
	SHA256 string `json:"sha256"`
	URL    string `json:"url,omitempty"`
	// Outcome is what became of the upload: done once GitHub accepted it, failed
	// when it failed or when reading the release back does not list the asset
	// complete with the cut's size and digest. Error says why.
	Outcome Outcome `json:"outcome"`
	Error   string  `json:"error,omitempty"`
}

// The asset actions besides Create (upload), Unchanged and Overwrite (replace).
const (
	// Conflict is an asset of the same name with other content.
	Conflict Action = "conflict"
	// Reupload replaces an asset whose upload never completed.
	Reupload Action = "reupload"
)

// ConflictError refuses to publish over assets with other content, or to an
// immutable release that cannot take what is missing.
type ConflictError struct {
	Result *GitHubResult
	Why    string
}

func (e *ConflictError) Error() string { return e.Why }

// GitHub publishes a cut as the GitHub release of its version: it checks that
// the token may publish and plans against the existing release before any
// write; then creates a draft, uploads each file that is missing (or replaced,
// with Replace), and publishes. An asset whose upload outcome is unknown is
// looked for before it is uploaded again; a create, likewise.
func GitHub(ctx context.Context, o GitHubOptions) (*GitHubResult, error) {
	c, gh := o.Cut, o.Client
	version := c.Meta.Version
	tag := ghurl.Tag(version)
	res := &GitHubResult{Repository: gh.Repository(), Tag: tag, DryRun: o.DryRun}
	defer func() { st := gh.Stats(); res.Requests, res.Writes = st.Requests, st.Writes }()
	if err := checkLinks(o, tag); err != nil {
		return nil, err
	}
	if err := gh.Preflight(ctx); err != nil {
		return nil, err
	}
	rel, err := gh.FindRelease(ctx, tag)
	if err != nil {
		return nil, err
	}
	res.Release = Create
	if rel != nil {
		res.Release, res.URL, res.Draft, res.Immutable = Unchanged, rel.HTMLURL, rel.Draft, rel.Immutable
	}
	plan, err := planAssets(ctx, o, rel, res)
	if err != nil {
		return nil, err
	}
	name, body := releaseText(o.Workspace, c)
	if rel != nil && (rel.Draft || rel.Name != name || rel.Body != body) && !rel.Immutable {
		res.Release = Update
	}
	for i := range res.Assets {
		res.Assets[i].Outcome = initialOutcome(o.DryRun, res.Assets[i].Action != Unchanged)
	}
	res.Outcome = initialOutcome(o.DryRun, res.Release != Unchanged)
	if err := refuseConflicts(rel, res); err != nil {
		return res, err
	}
	if o.DryRun {
		return res, nil
	}
	w := newWriter(TargetGitHub, o.Progress, o.OnWrite)
	fail := func(err error) (*GitHubResult, error) {
		if res.Outcome != OutcomeDone {
			res.Outcome, res.Error = OutcomeFailed, err.Error()
		}
		return res, err
	}
	if rel == nil {
		w.start(tag, "create draft release")
		if rel, err = createRelease(ctx, gh, tag, name, body); err != nil {
			return fail(err)
		}
		w.wrote(Write{Action: "create draft release", Item: tag, ID: rel.ID, URL: rel.HTMLURL})
		res.Draft, res.URL = true, rel.HTMLURL
	}
	files := map[string]cut.Artifact{}
	for _, f := range c.Files {
		files[f.Name] = f
	}
	for i := range res.Assets {
		a := &res.Assets[i]
		if a.Action == Unchanged {
			continue
		}
		w.start(a.Name, "upload")
		asset, err := uploadAsset(ctx, gh, rel, c, a.Name, plan[a.Name], a.SHA256, w)
		if err != nil {
			a.Outcome, a.Error = OutcomeFailed, err.Error()
			return fail(err)
		}
		w.wrote(Write{Action: "upload", Item: a.Name, ID: asset.ID, SHA256: a.SHA256})
		// Done as GitHub answered; reading the release back may yet say
		// otherwise.
		a.Outcome = OutcomeDone
	}
	// Whatever the uploads answered, the release is published only once
	// reading it back shows every file of the cut, complete, with the cut's size
	// and digest.
	assets, err := confirmAssets(ctx, gh, rel, c, files, res, w)
	if err != nil {
		return fail(err)
	}
	rel.Assets = assets
	if res.Release != Unchanged {
		w.start(tag, "publish release")
		published, err := gh.Publish(ctx, rel.ID, name, body, isLatest(o.Workspace, version))
		if err != nil {
			return fail(err)
		}
		rel = published
		w.wrote(Write{Action: "publish release", Item: tag, ID: rel.ID, URL: rel.HTMLURL})
	}
	res.Outcome = OutcomeDone
	res.URL, res.Draft, res.Immutable = rel.HTMLURL, rel.Draft, rel.Immutable
	return res, checkDownloads(o, rel, res)
}

// maxConfirmRounds bounds the rounds of uploading again the files that reading
// the release back did not confirm.
const maxConfirmRounds = 2

// confirmAssets reads the release's assets back and checks that every file of
// the cut is there, uploaded, with the cut's size and SHA-256 (GitHub's digest,
// or the download's when the server reports none): an upload's answer is not
// trusted on its own, since a 201 may come with an empty or wrong body, or with
// nothing stored. A file missing or wrong is uploaded again, at most
// maxConfirmRounds times; then the run stops, with the release unpublished.
// Each asset's outcome is set from what was read back.
func confirmAssets(ctx context.Context, gh *ghrelease.Client, rel *ghrelease.Release, c *cut.Folder, files map[string]cut.Artifact, res *GitHubResult, w *writer) ([]ghrelease.Asset, error) {
	for round := 0; ; round++ {
		assets, err := gh.Assets(ctx, rel.ID)
		if err != nil {
			return nil, fmt.Errorf("reading the release back to confirm its assets: %w", err)
		}
		byName := map[string]*ghrelease.Asset{}
		for i := range assets {
			byName[assets[i].Name] = &assets[i]
		}
		var wrong []string
		for i := range res.Assets {
			a := &res.Assets[i]
			why, err := assetProblem(ctx, gh, byName[a.Name], files[a.Name])
			if err != nil {
				return nil, err
			}
			if why == "" {
				a.Outcome, a.Error = OutcomeDone, ""
				continue
			}
			a.Outcome, a.Error = OutcomeFailed, why
			wrong = append(wrong, a.Name+" "+why)
			if round < maxConfirmRounds {
				w.start(a.Name, "upload")
				asset, err := uploadAsset(ctx, gh, rel, c, a.Name, byName[a.Name], a.SHA256, w)
				if err != nil {
					a.Error = why + "; uploading it again failed: " + err.Error()
					return nil, fmt.Errorf("%s %s; uploading it again failed: %w", a.Name, why, err)
				}
				w.wrote(Write{Action: "upload", Item: a.Name, ID: asset.ID, SHA256: a.SHA256})
			}
		}
		if len(wrong) == 0 {
			return assets, nil
		}
		if round == maxConfirmRounds {
			return nil, fmt.Errorf("the release %s was left unpublished: reading it back after %d upload rounds, %s",
				res.Tag, maxConfirmRounds+1, strings.Join(wrong, "; "))
		}
	}
}

// assetProblem says what is wrong with an asset as the release lists it, or ""
// when it is the cut's file.
func assetProblem(ctx context.Context, gh *ghrelease.Client, a *ghrelease.Asset, f cut.Artifact) (string, error) {
	switch {
	case a == nil:
		return "is not on the release", nil
	case a.State != "uploaded":
		return fmt.Sprintf("is on the release but not complete (state %q)", a.State), nil
	case a.Size != f.Size:
		return fmt.Sprintf("is on the release with %d bytes, not %d", a.Size, f.Size), nil
	}
	sum, err := assetDigest(ctx, gh, a)
	if err != nil {
		return "", fmt.Errorf("reading %s back: %w", a.Name, err)
	}
	if sum != f.SHA256 {
		return fmt.Sprintf("is on the release with SHA-256 %.16s…, not %.16s…", sum, f.SHA256), nil
	}
	return "", nil
}

// planAssets compares the cut's files with the release's assets, and returns
// the assets by name.
func planAssets(ctx context.Context, o GitHubOptions, rel *ghrelease.Release, res *GitHubResult) (map[string]*ghrelease.Asset, error) {
	remote := map[string]*ghrelease.Asset{}
	if rel != nil {
		for i := range rel.Assets {
			remote[rel.Assets[i].Name] = &rel.Assets[i]
		}
	}
	inCut := map[string]bool{}
	for _, f := range o.Cut.Files {
		inCut[f.Name] = true
		ar := AssetResult{Name: f.Name, SHA256: f.SHA256, Action: Create}
		if a := remote[f.Name]; a != nil {
			ar.URL = a.DownloadURL
			sum, err := assetDigest(ctx, o.Client, a)
			switch {
			case err != nil:
				return nil, err
			case a.State != "uploaded":
				ar.Action = Reupload
			case sum == f.SHA256:
				ar.Action = Unchanged
			case o.Replace:
				ar.Action = Overwrite
			default:
				ar.Action = Conflict
			}
		}
		res.Assets = append(res.Assets, ar)
	}
	if rel != nil {
		for _, a := range rel.Assets {
			if !inCut[a.Name] {
				res.Extra = append(res.Extra, a.Name)
			}
		}
	}
	return remote, nil
}

// assetDigest is an asset's SHA-256: the one GitHub reports, else computed by
// downloading it (older GitHub Enterprise servers report none).
func assetDigest(ctx context.Context, gh *ghrelease.Client, a *ghrelease.Asset) (string, error) {
	if a.SHA256 != "" || a.State != "uploaded" {
		return a.SHA256, nil
	}
	rc, err := gh.Download(ctx, a.ID)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	// The server says how large the asset is; reading one byte more tells a
	// longer answer from the asset without reading an endless one.
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, a.Size+1))
	if err != nil {
		return "", fmt.Errorf("download %s: %w", a.Name, err)
	}
	if n != a.Size {
		return "", fmt.Errorf("download %s: %d bytes, not the %d the release lists", a.Name, n, a.Size)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// refuseConflicts fails before any write when the release cannot take the cut.
func refuseConflicts(rel *ghrelease.Release, res *GitHubResult) error {
	var conflicts, changes []string
	for _, a := range res.Assets {
		switch a.Action {
		case Conflict:
			conflicts = append(conflicts, a.Name)
		case Create, Reupload, Overwrite:
			changes = append(changes, a.Name)
		}
	}
	switch {
	case rel != nil && rel.Immutable && len(conflicts)+len(changes) > 0:
		return &ConflictError{Result: res, Why: fmt.Sprintf("release %s of %s is immutable and differs from the cut (%s): it cannot be changed; "+
			"publish a new version instead", res.Tag, res.Repository, strings.Join(append(conflicts, changes...), ", "))}
	case len(conflicts) > 0:
		return &ConflictError{Result: res, Why: fmt.Sprintf("release %s of %s already has %s with other content; nothing was written. "+
			"If this cut is the right one, publish with --replace", res.Tag, res.Repository, strings.Join(conflicts, ", "))}
	}
	return nil
}

// createRelease creates the draft, looking for it after an unknown outcome.
func createRelease(ctx context.Context, gh *ghrelease.Client, tag, name, body string) (*ghrelease.Release, error) {
	var last error
	for range maxLookups {
		rel, err := gh.CreateDraft(ctx, tag, name, body)
		if err == nil {
			return rel, nil
		}
		if ghrelease.KindOf(err) != ghrelease.KindAmbiguous {
			return nil, err
		}
		last = err
		found, ferr := gh.FindRelease(ctx, tag)
		if ferr != nil {
			return nil, fmt.Errorf("%w; looking whether it was created failed too: %w", err, ferr)
		}
		if found != nil {
			return found, nil
		}
	}
	return nil, last
}

// uploadAsset uploads one file, replacing an existing asset first; after an
// unknown outcome it looks at the assets before trying again.
func uploadAsset(ctx context.Context, gh *ghrelease.Client, rel *ghrelease.Release, c *cut.Folder, name string, existing *ghrelease.Asset, sum string, w *writer) (*ghrelease.Asset, error) {
	if existing != nil {
		if err := gh.DeleteAsset(ctx, existing.ID); err != nil && ghrelease.KindOf(err) != ghrelease.KindNotFound {
			return nil, err
		}
	}
	path := filepath.Join(c.Dir, name)
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	contentType := mime.TypeByExtension(filepath.Ext(name))
	switch {
	case strings.HasSuffix(name, ".tar.gz"):
		contentType = "application/gzip"
	case strings.HasSuffix(name, cut.SignatureExt), name == cut.ChecksumsFile:
		contentType = "text/plain; charset=utf-8"
	case contentType == "":
		contentType = "application/octet-stream"
	}
	open := w.sending(name, "upload", func() (io.ReadCloser, error) { return wsfs.OpenFile(path) })
	var last error
	for range maxLookups {
		a, err := gh.Upload(ctx, rel, name, contentType, st.Size(), open)
		if err == nil {
			if a.SHA256 != "" && a.SHA256 != sum {
				return nil, fmt.Errorf("github: %s arrived with SHA-256 %s, not %s", name, a.SHA256, sum)
			}
			return a, nil
		}
		if ghrelease.KindOf(err) != ghrelease.KindAmbiguous {
			return nil, err
		}
		last = err
		assets, ferr := gh.Assets(ctx, rel.ID)
		if ferr != nil {
			return nil, fmt.Errorf("%w; looking whether it arrived failed too: %w", err, ferr)
		}
		for i := range assets {
			if assets[i].Name != name {
				continue
			}
			got, derr := assetDigest(ctx, gh, &assets[i])
			if derr == nil && assets[i].State == "uploaded" && got == sum {
				return &assets[i], nil
			}
			// A broken or partial upload: remove it and upload again.
			if err := gh.DeleteAsset(ctx, assets[i].ID); err != nil && ghrelease.KindOf(err) != ghrelease.KindNotFound {
				return nil, err
			}
		}
	}
	return nil, last
}

// checkLinks refuses, before any write, a cut whose upgrade guide links to
// another server than the one the release goes to: customers would get dead
// links.
func checkLinks(o GitHubOptions, tag string) error {
	guides, err := guides(o.Cut)
	if err != nil {
		return err
	}
	// A cut without documents (--skip render) links nowhere.
	for _, guide := range guides {
		for _, f := range o.Cut.Files {
			if f.Kind != cut.KindBundle {
				continue
			}
			if url := o.Client.DownloadURL(tag, f.Name); !strings.Contains(string(guide.Markdown), url) {
				return fmt.Errorf("the cut's upgrade guide does not link to %s, where the release serves %s: cut again with github.apiUrl "+
					"(or GITHUB_API_URL) set to the server that hosts %s", url, f.Name, o.Client.Repository())
			}
		}
	}
	return nil
}

// guides are the cut's upgrade guides, one per locale.
func guides(c *cut.Folder) ([]*cut.Document, error) {
	var out []*cut.Document
	for _, l := range c.Locales() {
		d, ok, err := c.Document(cut.KindGuide, l)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// checkDownloads makes sure the release serves each file where the upgrade
// guide and the trusted comments say it is.
func checkDownloads(o GitHubOptions, rel *ghrelease.Release, res *GitHubResult) error {
	gh := o.Workspace.Config.GitHub
	urls := map[string]string{}
	for _, a := range rel.Assets {
		urls[a.Name] = a.DownloadURL
	}
	var wrong []string
	for i := range res.Assets {
		a := &res.Assets[i]
		a.URL = urls[a.Name]
		if gh != nil && !rel.Draft {
			if want := gh.DownloadURL(o.Cut.Meta.Version, a.Name); a.URL != want {
				wrong = append(wrong, fmt.Sprintf("%s is at %s, but the upgrade guide links to %s", a.Name, a.URL, want))
			}
		}
	}
	// The cut's own upgrade guides (assets too) must link where the files are.
	guides, err := guides(o.Cut)
	if err != nil {
		return err
	}
	for _, guide := range guides {
		if rel.Draft {
			break
		}
		for _, a := range res.Assets {
			if strings.HasSuffix(a.Name, ".tar.gz") && a.URL != "" && !strings.Contains(string(guide.Markdown), a.URL) {
				wrong = append(wrong, fmt.Sprintf("the cut's %s does not link to %s", cut.DocumentFile(guide.Kind, guide.Locale, o.Cut.DefaultLocale, "md"), a.URL))
			}
		}
	}
	if len(wrong) > 0 {
		return errors.New("the release's download links differ from the upgrade guide's: set github.apiUrl in " + releases.ConfigFile +
			" (or GITHUB_API_URL) to the server that hosts the repository, cut again, and publish:\n  " + strings.Join(wrong, "\n  "))
	}
	return nil
}

// releaseText is the release's name and body: the release notes, and how to
// check a download.
func releaseText(ws *releases.Workspace, c *cut.Folder) (string, string) {
	cfg := ws.Config
	name := cfg.Product.Name + " " + c.Meta.Version
	var text string
	if notes, ok, _ := c.Document(cut.KindNotes, c.DefaultLocale); ok {
		text = strings.TrimSpace(string(notes.Markdown))
	}
	// The notes link to the guide beside them in the cut, which on the
	// release's page is one of its files: a link relative to the page would
	// lead nowhere.
	if gh := cfg.GitHub; gh != nil {
		guide := cut.DocumentFile(cut.KindGuide, c.DefaultLocale, c.DefaultLocale, "html")
		text = strings.ReplaceAll(text, "]("+guide+")", "]("+gh.DownloadURL(c.Meta.Version, guide)+")")
	}
	// The page has its own title.
	if strings.HasPrefix(text, "# ") {
		if _, rest, ok := strings.Cut(text, "\n"); ok {
			text = strings.TrimSpace(rest)
		}
	}
	verify := fmt.Sprintf(`## Check your download

Every runbook bundle and SHA256SUMS is signed with minisign key %s:

`+"```"+`
%s
`+"```"+`

`+"```"+`
minisign -H -Vm <bundle>.tar.gz -P %s
sha256sum -c --ignore-missing SHA256SUMS
`+"```", c.Meta.KeyID, c.Meta.PublicKey, c.Meta.PublicKey)
	const limit = 120000 // GitHub accepts 125,000 characters
	if len(text)+len(verify) > limit {
		text = text[:limit-len(verify)-200] + "\n\n… (the full notes are in release-notes.md below)"
	}
	return name, text + "\n\n" + verify + "\n"
}

// isLatest reports whether a release should be marked latest: no other release
// of the workspace has a higher version and was released on or before its day
// (a patch of an older line is not the latest).
func isLatest(ws *releases.Workspace, version string) bool {
	v, err := releases.ParseVersion(version)
	if err != nil {
		return false
	}
	m, err := ws.Release(v)
	if err != nil {
		return false
	}
	for _, other := range ws.Manifests {
		if other.SemVer().GreaterThan(v) && !other.ReleaseDate.Time().After(m.ReleaseDate.Time()) {
			return false
		}
	}
	return true
}
