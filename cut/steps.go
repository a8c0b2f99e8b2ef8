package cut

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"aead.dev/minisign"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/internal/human"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
)

// validate checks the whole workspace and the signing key, and composes the path
// of every bundle, so that no later step can fail on the model.
func (j *job) validate(context.Context) error {
	ws, v := j.ws, j.opts.Version
	if diags := ws.Validate(); diags.Errors() > 0 {
		return &releases.ValidationError{Diagnostics: diags}
	}
	m, err := ws.Release(v)
	if err != nil {
		return err
	}
	j.manifest = m
	j.modTime = j.opts.ModTime
	if j.modTime.IsZero() {
		j.modTime = m.ReleaseDate.Time()
	}
	if err := j.checkKey(); err != nil {
		return err
	}
	paths, err := ws.BundlePaths(v)
	if err != nil {
		return err
	}
	j.paths = paths
	for _, p := range paths {
		j.meta.Sources = append(j.meta.Sources, p.From.String())
	}
	// A release below policy.oldestVersion has no install procedure and gets
	// no install bundle; from there on, validate has made sure every release
	// resolves to one, so any other failure is a failure.
	install, err := ws.InstallPlan(v)
	switch {
	case errors.Is(err, releases.ErrNoInstall):
	case err != nil:
		return fmt.Errorf("the install procedure of %s: %w", v, err)
	default:
		j.install = install
	}
	j.meta.SchemaVersion = 1
	j.meta.Product = ws.Config.Product.ID
	j.meta.Version = v.String()
	j.meta.Snapshot = j.opts.Snapshot
	j.meta.Generator = j.opts.Generator
	j.meta.ModTime = j.modTime.UTC().Format("2006-01-02T15:04:05Z")
	var what []string
	if len(j.paths) > 0 {
		what = append(what, "bundles from "+strings.Join(j.meta.Sources, ", "))
	}
	if j.install != nil {
		what = append(what, "an install bundle for new deployments")
	}
	switch {
	case len(what) == 0:
		j.sumUp("ok; %s has no earlier version to upgrade from and no install procedure: no bundle", v)
	case len(j.paths) == 0:
		j.sumUp("ok; %s has no earlier version to upgrade from: %s", v, what[0])
	default:
		j.sumUp("ok; %s", strings.Join(what, " and "))
	}
	return nil
}

// checkKey makes sure the release is signed with the key customers are told
// about: the public key of atlas-release.yaml, when it is set.
func (j *job) checkKey() error {
	want, configured, err := ConfiguredKey(j.ws)
	if err != nil {
		return err
	}
	if j.opts.Key == nil {
		if configured {
			j.public = &want
		}
		return nil
	}
	pub := signing.PublicKeyOf(*j.opts.Key)
	if configured {
		if !want.Equal(pub) {
			return fmt.Errorf("the secret key (ID %s) is not the one whose public key is signing.publicKey in %s (ID %s)",
				signing.KeyID(pub.ID()), releases.ConfigFile, signing.KeyID(want.ID()))
		}
	} else {
		j.note(StepValidate, "signing.publicKey is not set in %s: customers learn the key only from the guide; add\n  signing:\n    publicKey: %s",
			releases.ConfigFile, pub.String())
	}
	j.public = &pub
	j.meta.PublicKey = pub.String()
	j.meta.KeyID = signing.KeyID(pub.ID())
	return nil
}

// ConfiguredKey is the public key of atlas-release.yaml (signing.publicKey),
// the one customers are told about; ok is false when it is not set. A cut is
// signed with it, and a cut signed with another is not opened.
func ConfiguredKey(ws *releases.Workspace) (pub minisign.PublicKey, ok bool, err error) {
	s := ws.Config.Signing
	if s == nil || s.PublicKey == "" {
		return pub, false, nil
	}
	pub, err = signing.ParsePublicKey(s.PublicKey)
	if err != nil {
		return pub, false, fmt.Errorf("signing.publicKey in %s: %w", releases.ConfigFile, err)
	}
	return pub, true, nil
}

func (j *job) signingInfo() templates.Signing {
	s := templates.Signing{Snapshot: j.opts.Snapshot}
	if j.public != nil && !j.opts.Snapshot {
		s.PublicKey = j.public.String()
		s.KeyID = signing.KeyID(j.public.ID())
	}
	return s
}

// render writes the release notes and the upgrade guide, in Markdown and as the
// HTML fragments that a help center publishes, in the default locale and in
// every locale the workspace translates the release into.
func (j *job) render(context.Context) error {
	docs, err := Documents(j.ws, j.opts.Templates, j.opts.Version, j.signingInfo(), j.opts.Generator)
	if err != nil {
		return err
	}
	def := j.ws.Config.DefaultLocale()
	var locales []string
	for _, d := range docs {
		for _, f := range []struct {
			ext  string
			data []byte
		}{{"md", d.Markdown}, {"html", d.HTML}} {
			if err := j.writeFile(Artifact{Name: DocumentFile(d.Kind, d.Locale, def, f.ext), Kind: d.Kind, Locale: d.Locale}, f.data); err != nil {
				return err
			}
		}
		if !slices.Contains(locales, d.Locale) {
			locales = append(locales, d.Locale)
		}
	}
	j.sumUp("release notes and upgrade guide in %s", strings.Join(locales, ", "))
	return nil
}

// downloadURL is where a file of the release is downloaded from, when the
// workspace publishes to GitHub: the release's asset URL.
func (j *job) downloadURL(file string) string {
	return downloadURL(j.ws.Config.GitHub, j.opts.Version, j.opts.Snapshot)(file)
}

// allPaths are the paths that get a bundle: the upgrades, newest source
// first, then the install.
func (j *job) allPaths() []*releases.Path {
	if j.install == nil {
		return j.paths
	}
	return append(slices.Clip(j.paths), j.install)
}

// bundles writes one runbook bundle per source version, and the install
// bundle. The bundles are
// independent and compressing them is most of a cut, so up to GOMAXPROCS are
// written at once, each streamed to its file as before (none is held whole in
// memory). Their files are recorded and their progress reported in the order of
// the sources, whatever order they finish in; the first failure cancels the
// others and is the one reported.
func (j *job) bundles(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type result struct {
		files []Artifact
		err   error
		done  chan struct{}
	}
	paths := j.allPaths()
	results := make([]result, len(paths))
	slots := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	defer wg.Wait()
	for i, p := range paths {
		results[i].done = make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(results[i].done)
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
			case <-ctx.Done():
				results[i].err = context.Cause(ctx)
				return
			}
			files, err := j.bundle(ctx, p)
			if err != nil {
				cancel(err) // the first cause is kept
			} else {
				j.report(Event{Kind: Done, Step: StepBundle, Item: files[0].Name, Bytes: files[0].Size})
			}
			results[i].files, results[i].err = files, err
		}()
	}
	var written []string
	for i := range results {
		<-results[i].done
		if results[i].err != nil {
			wg.Wait()
			return context.Cause(ctx)
		}
		for _, a := range results[i].files {
			j.files = append(j.files, a)
			if a.Install && a.Kind == KindBundle {
				j.meta.Install = a.Name // only once it is written: --skip bundle leaves it out
			}
			if a.Kind == KindBundle {
				written = append(written, fmt.Sprintf("%s (%s)", a.Name, human.Size(a.Size)))
			}
		}
	}
	j.sumUp("%s", strings.Join(written, ", "))
	return nil
}

// bundle renders a path's bundle and writes it: the files it adds to the cut.
// It may run alongside the other bundles, so it touches nothing of the job's
// but what it reads.
func (j *job) bundle(ctx context.Context, p *releases.Path) ([]Artifact, error) {
	cfg := j.ws.Config
	name := j.bundleFile(p)
	j.report(Event{Kind: Started, Step: StepBundle, Item: name})
	files, err := j.bundleFiles(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	spec := bundle.Spec{Product: cfg.Product.ID, From: p.From.String(), To: p.To.String(), Install: p.Install, Generator: j.opts.Generator,
		Snapshot: j.opts.Snapshot, ModTime: j.modTime, Files: files}
	if p.Install {
		spec.From = "" // a new deployment starts from nothing
	}
	written, err := j.writeBundle(ctx, name, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return written, nil
}

// BundleFile names the bundle of an upgrade.
func BundleFile(product, from, to string) string {
	return templates.BundleName(product, from, to) + ".tar.gz"
}

// InstallFile names the install bundle of a version: <product>-<version>-install.tar.gz.
func InstallFile(product, version string) string {
	return templates.InstallBundleName(product, version) + ".tar.gz"
}

// bundleName is the name of a path's bundle without .tar.gz; bundleFile with it.
func (j *job) bundleName(p *releases.Path) string {
	if p.Install {
		return templates.InstallBundleName(j.ws.Config.Product.ID, p.To.String())
	}
	return templates.BundleName(j.ws.Config.Product.ID, p.From.String(), p.To.String())
}

func (j *job) bundleFile(p *releases.Path) string { return j.bundleName(p) + ".tar.gz" }

// bundleFiles lists what a path's bundle holds: the runbook in three forms, the
// scripts its steps run, the communications of its releases, and VERIFY.txt.
// An install bundle's communications are those of a first deployment: the
// deployment request and the calendar, no announcements (users have nothing
// yet that could change or go offline) and none of the releases' messages,
// which speak of an upgrade's window.
func (j *job) bundleFiles(p *releases.Path) ([]bundle.File, error) {
	set := j.opts.Templates
	rb := templates.NewRunbook(j.ws, p, j.opts.Generator)
	var files []bundle.File
	for _, f := range []templates.Format{templates.HTML, templates.Markdown, templates.JSON} {
		var b bytes.Buffer
		if err := set.RenderRunbook(&b, rb, f); err != nil {
			return nil, err
		}
		files = append(files, bundle.File{Path: "runbook." + string(f), Data: b.Bytes()})
	}
	scripts := map[string]bool{}
	for _, h := range p.Hops {
		for _, ps := range h.Steps {
			if ps.Script != "" && !scripts[ps.Script] {
				scripts[ps.Script] = true
				files = append(files, j.workspaceFile(ps.Script))
			}
		}
	}
	for _, h := range p.Hops {
		if p.Install {
			break
		}
		for _, m := range h.Releases {
			for _, c := range m.Communications {
				files = append(files, bundle.File{Path: path.Join("communications", m.Version+"-"+c.ID+".md"), Data: communication(m, c)})
			}
		}
	}
	comms, err := j.communications(p)
	if err != nil {
		return nil, err
	}
	files = append(files, comms...)
	var verify bytes.Buffer
	doc := &templates.VerifyDoc{Product: templates.Product{ID: j.ws.Config.Product.ID, Name: j.ws.Config.Product.Name},
		Bundle: j.bundleName(p), From: p.From.String(), To: p.To.String(), Install: p.Install, Signing: j.signingInfo()}
	if p.Install {
		doc.From = ""
	}
	if err := set.RenderVerify(&verify, doc); err != nil {
		return nil, err
	}
	files = append(files, bundle.File{Path: bundle.VerifyFile, Data: verify.Bytes()})
	return files, nil
}

// communications renders the path's change request, announcements and
// calendar, and the announcements of every locale that translates them and
// every release on the path.
func (j *job) communications(p *releases.Path) ([]bundle.File, error) {
	name := j.bundleFile(p)
	c := templates.NewCommunications(j.ws, p, templates.CommsOptions{Generator: j.opts.Generator, BundleURL: j.downloadURL(name)})
	var rendered []templates.CommunicationFile
	var err error
	if p.Install {
		rendered, err = j.opts.Templates.RenderDeployment(c)
	} else {
		rendered, err = j.opts.Templates.RenderCommunications(c, false)
	}
	if err != nil {
		return nil, err
	}
	var files []bundle.File
	for _, f := range rendered {
		files = append(files, bundle.File{Path: path.Join("communications", f.Name), Data: f.Data})
	}
	if p.Install {
		return files, nil // no announcements to translate
	}
	for _, l := range j.ws.Config.Locales {
		localized, ok, err := templates.LocalizedAnnouncements(j.ws, p, l, templates.CommsOptions{Generator: j.opts.Generator, BundleURL: j.downloadURL(name)})
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		for _, f := range localized {
			files = append(files, bundle.File{Path: path.Join("communications", l, f.Name), Data: f.Data})
		}
	}
	return files, nil
}

// workspaceFile streams a workspace file into a bundle; scripts are executable.
func (j *job) workspaceFile(name string) bundle.File {
	return bundle.File{Path: name, Executable: strings.HasPrefix(name, releases.ScriptsDir+"/"), Open: func() (io.ReadCloser, error) {
		return j.ws.FS.Open(name)
	}}
}

// communication writes one message of a release as Markdown.
func communication(m *releases.Manifest, c releases.Communication) []byte {
	var b bytes.Buffer
	when := map[releases.CommWhen]string{"before": fmt.Sprintf("%d days before the maintenance window", c.LeadDays),
		"start": "at the start of the maintenance window", "end": "at the end of the maintenance window"}[c.When]
	fmt.Fprintf(&b, "# %s\n\nTo: %s · Send: %s · Release %s\n\n%s\n", c.Subject, c.Audience, when, m.Version, strings.TrimSpace(c.Text))
	return b.Bytes()
}

// writeBundle writes a bundle archive and, unless the cut is a snapshot, its
// signature, computed while the archive is written; it returns both files.
func (j *job) writeBundle(ctx context.Context, name string, spec bundle.Spec) ([]Artifact, error) {
	f, err := os.OpenFile(filepath.Join(j.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	digest := signing.NewDigest()
	defer digest.Close()
	counted := &countingWriter{w: f, report: func(n int64) { j.report(Event{Kind: Wrote, Step: StepBundle, Item: name, Bytes: n}) }}
	buf := newBufferedWriter(io.MultiWriter(counted, digest))
	if _, err := bundle.Write(ctx, buf, spec); err != nil {
		return nil, err
	}
	if err := buf.Flush(); err != nil {
		return nil, err
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	sum := digest.SHA256()
	out := []Artifact{{Name: name, Kind: KindBundle, Size: digest.Size(), SHA256: sum, From: spec.From, Install: spec.Install}}
	if j.opts.Snapshot {
		return out, nil
	}
	// The comment binds what the bundle is: an upgrade names its source, an
	// install says so (bundle.Verify holds manifest.json to it).
	what := []string{"from", spec.From}
	if spec.Install {
		what = []string{"kind", bundle.KindInstall}
	}
	comment := append(append([]string{"bundle", name, "product", spec.Product}, what...), "to", spec.To, "sha256", sum)
	sig := digest.Sign(*j.opts.Key, signing.Comment(comment...))
	a, err := j.writeArtifact(Artifact{Name: name + SignatureExt, Kind: KindSignature, From: spec.From, Install: spec.Install}, sig)
	if err != nil {
		return nil, err
	}
	return append(out, a), nil
}

// writeFile writes a small file of the cut and records it: a, with its size
// and digest.
func (j *job) writeFile(a Artifact, data []byte) error {
	a, err := j.writeArtifact(a, data)
	if err != nil {
		return err
	}
	j.files = append(j.files, a)
	return nil
}

// writeArtifact writes a small file of the cut and returns a with its size and
// digest, recording nothing: bundles, written side by side, call it.
func (j *job) writeArtifact(a Artifact, data []byte) (Artifact, error) {
	if err := os.WriteFile(filepath.Join(j.dir, a.Name), data, 0o644); err != nil {
		return a, err
	}
	sum := sha256.Sum256(data)
	a.Size, a.SHA256 = int64(len(data)), hex.EncodeToString(sum[:])
	return a, nil
}

// checksum writes SHA256SUMS over every file so far, in GNU format, sorted by name.
func (j *job) checksum(context.Context) error {
	slices.SortFunc(j.files, func(a, b Artifact) int { return cmp.Compare(a.Name, b.Name) })
	var b bytes.Buffer
	for _, f := range j.files {
		b.WriteString(bundle.ChecksumLine(f.SHA256, f.Name))
	}
	if err := j.writeFile(Artifact{Name: ChecksumsFile, Kind: KindChecksums}, b.Bytes()); err != nil {
		return err
	}
	j.sumUp("%s lists %d files", ChecksumsFile, len(j.files)-1)
	return nil
}

// sign signs SHA256SUMS; the bundles were signed as they were written.
func (j *job) sign(context.Context) error {
	sig, _, err := signing.SignFile(*j.opts.Key, os.DirFS(j.dir), ChecksumsFile, func(sum string) string {
		return signing.Comment("file", ChecksumsFile, "product", j.ws.Config.Product.ID, "version", j.opts.Version.String(), "sha256", sum)
	})
	if err != nil {
		return err
	}
	if err := j.writeFile(Artifact{Name: ChecksumsFile + SignatureExt, Kind: KindSignature}, sig); err != nil {
		return err
	}
	bundles := fmt.Sprintf("%d bundles", len(j.allPaths()))
	if len(j.allPaths()) == 1 {
		bundles = "1 bundle"
	}
	j.sumUp("%s and %s signed with key %s", bundles, ChecksumsFile, j.meta.KeyID)
	return nil
}

// metadata writes metadata.json.
func (j *job) metadata(context.Context) error {
	slices.SortFunc(j.files, func(a, b Artifact) int { return cmp.Compare(a.Name, b.Name) })
	j.meta.Files = slices.Clone(j.files)
	if j.meta.Skipped == nil {
		j.meta.Skipped = []string{}
	}
	if j.meta.Sources == nil {
		j.meta.Sources = []string{}
	}
	var b bytes.Buffer
	if err := templates.WriteJSON(&b, &j.meta); err != nil {
		return err
	}
	j.sumUp("%s", MetadataFile)
	return os.WriteFile(filepath.Join(j.dir, MetadataFile), b.Bytes(), 0o644)
}

// syncDir flushes a folder's entries to disk, so that a power cut after the rename
// finds the files. It is best effort: some systems cannot sync a folder.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

// newBufferedWriter batches the archive's small writes before they reach the file
// and the digests.
func newBufferedWriter(w io.Writer) *bufio.Writer { return bufio.NewWriterSize(w, 1<<20) }
