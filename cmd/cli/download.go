package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/atlas-release/atlas-release/internal/safehttp"
)

// Limits of downloads: a bundle is far smaller; anything larger is refused.
const (
	maxDownloadBytes  = 4 << 30
	maxSignatureBytes = 64 << 10
)

// downloadURL checks a URL a customer gives: HTTPS, or HTTP to this machine.
func downloadURL(raw string) (*url.URL, string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", usageErrorf("--url %q is not a URL", raw)
	}
	if err := safehttp.CheckScheme(u); err != nil {
		return nil, "", usageErrorf("--url: download over HTTPS: %v", err)
	}
	name := path.Base(u.Path)
	if name == "" || name == "/" || name == "." || !safeName(name) {
		return nil, "", usageErrorf("--url %s does not end with a file name", raw)
	}
	return u, name, nil
}

// safeName accepts the names of release files: no separators, no surprises.
func safeName(name string) bool {
	for _, r := range name {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+", r) {
			return false
		}
	}
	return name[0] != '.'
}

// fetch downloads a URL into a file, at most limit bytes.
func fetch(ctx context.Context, client *http.Client, u string, file string, limit int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	shown := req.URL.Redacted()
	resp, err := client.Do(req)
	if err != nil {
		var refused *safehttp.RefusedError
		if errors.As(err, &refused) {
			// The policy's reason says it all; the *url.Error around it
			// would repeat a URL the server chose.
			return fmt.Errorf("download %s: %w", shown, refused)
		}
		return fmt.Errorf("download %s: %w", shown, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// The status code, not the server's reason phrase: that is the
		// server's text, and could drive the terminal.
		return fmt.Errorf("download %s: %d %s", shown, resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if resp.ContentLength > limit {
		return fmt.Errorf("download %s: %d bytes, more than the %d accepted", shown, resp.ContentLength, limit)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, limit+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("download %s: %w", shown, err)
	}
	if n > limit {
		return fmt.Errorf("download %s: more than the %d bytes accepted", shown, limit)
	}
	return nil
}

// download fetches a release file and its signature into a fresh folder inside
// dir, under their own names (the signature binds the name). keep moves them
// into dir once verified; the folder goes in any case.
func download(ctx context.Context, raw, dir string) (file string, keep func() (string, error), cleanup func(), err error) {
	u, name, err := downloadURL(raw)
	if err != nil {
		return "", nil, nil, err
	}
	for _, n := range []string{name, name + ".minisig"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			return "", nil, nil, fmt.Errorf("%s already exists: remove it, or download into another folder with --download-dir", filepath.Join(dir, n))
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".atlas-release-download-")
	if err != nil {
		return "", nil, nil, err
	}
	cleanup = func() { os.RemoveAll(tmp) }
	// Release downloads redirect to storage: followed without credentials,
	// and not at all for a URL that carries some (user info); never away
	// from HTTPS (internal/safehttp).
	client := safehttp.NewClient(&http.Client{Timeout: 30 * time.Minute}, safehttp.Options{Origins: []*url.URL{u}})
	file = filepath.Join(tmp, name)
	if err := fetch(ctx, client, u.String(), file, maxDownloadBytes); err != nil {
		cleanup()
		return "", nil, nil, err
	}
	sig := *u
	sig.Path += ".minisig"
	sig.RawPath = ""
	if err := fetch(ctx, client, sig.String(), file+".minisig", maxSignatureBytes); err != nil {
		cleanup()
		return "", nil, nil, fmt.Errorf("%w (every download has its signature next to it)", err)
	}
	keep = func() (string, error) {
		for _, n := range []string{name, name + ".minisig"} {
			if err := os.Link(filepath.Join(tmp, n), filepath.Join(dir, n)); err != nil {
				return "", err
			}
		}
		return filepath.Join(dir, name), nil
	}
	return file, keep, cleanup, nil
}
