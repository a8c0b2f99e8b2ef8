// Package download fetches a release file and its minisign signature over
// HTTPS, under internal/safehttp's policy, for `verify --url`. It knows no
// flags and no exit codes: a URL that cannot be used wraps ErrInvalidURL, a
// file that is already there wraps fs.ErrExist, a refused redirect is a
// *safehttp.RefusedError, and the command line chooses what each means.
package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	MaxFileBytes = 4 << 30
	// MaxSignatureBytes also bounds a signature read from disk: a minisign
	// signature is a few hundred bytes.
	MaxSignatureBytes = 64 << 10
)

// ErrInvalidURL is wrapped by the error of a URL that cannot be downloaded
// from: not a URL, plain HTTP to another machine, or no file name at its end.
var ErrInvalidURL = errors.New("invalid download URL")

// invalidURLError says what is wrong with a URL; it is ErrInvalidURL.
type invalidURLError struct{ msg string }

func (e *invalidURLError) Error() string        { return e.msg }
func (e *invalidURLError) Is(target error) bool { return target == ErrInvalidURL }

func invalidURLf(format string, args ...any) error {
	return &invalidURLError{fmt.Sprintf(format, args...)}
}

// existsError names a file a download would overwrite; it is fs.ErrExist.
type existsError struct{ path string }

func (e *existsError) Error() string { return e.path + " already exists" }
func (e *existsError) Unwrap() error { return fs.ErrExist }

// Files are a downloaded release file and its signature, in a private folder
// inside the folder they were downloaded for until Keep moves them there.
type Files struct {
	// File is the downloaded file; its signature is File + ".minisig".
	File string
	dir  string
	tmp  string
	name string
}

// parseURL checks a URL a customer gives: HTTPS, or HTTP to this machine.
func parseURL(raw string) (*url.URL, string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, "", invalidURLf("%q is not a URL", raw)
	}
	if err := safehttp.CheckScheme(u); err != nil {
		return nil, "", invalidURLf("download over HTTPS: %v", err)
	}
	name := path.Base(u.Path)
	if name == "" || name == "/" || name == "." || !safeName(name) {
		return nil, "", invalidURLf("%s does not end with a file name", raw)
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

// Signed downloads a release file and its signature (<url>.minisig) into a
// fresh folder inside dir, under their own names (the signature binds the
// name). Keep moves them into dir once verified; Remove removes the folder in
// any case.
func Signed(ctx context.Context, raw, dir string) (*Files, error) {
	u, name, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	for _, n := range []string{name, name + ".minisig"} {
		if _, err := os.Lstat(filepath.Join(dir, n)); err == nil {
			return nil, &existsError{filepath.Join(dir, n)}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(dir, ".atlas-release-download-")
	if err != nil {
		return nil, err
	}
	d := &Files{File: filepath.Join(tmp, name), dir: dir, tmp: tmp, name: name}
	// Release downloads redirect to storage: followed without credentials,
	// and not at all for a URL that carries some (user info); never away
	// from HTTPS (internal/safehttp).
	client := safehttp.NewClient(&http.Client{Timeout: 30 * time.Minute}, safehttp.Options{Origins: []*url.URL{u}})
	// The signature first: it is small and capped, so a missing one fails
	// before gigabytes of an unsigned file are fetched.
	sig := *u
	sig.Path += ".minisig"
	sig.RawPath = ""
	if err := fetch(ctx, client, sig.String(), d.File+".minisig", MaxSignatureBytes); err != nil {
		d.Remove()
		return nil, fmt.Errorf("%w (every download has its signature next to it)", err)
	}
	if err := fetch(ctx, client, u.String(), d.File, MaxFileBytes); err != nil {
		d.Remove()
		return nil, err
	}
	return d, nil
}

// Keep links the file and its signature into the folder they were downloaded
// for, and returns the file's path there.
func (d *Files) Keep() (string, error) {
	for _, n := range []string{d.name, d.name + ".minisig"} {
		if err := os.Link(filepath.Join(d.tmp, n), filepath.Join(d.dir, n)); err != nil {
			return "", err
		}
	}
	return filepath.Join(d.dir, d.name), nil
}

// Remove removes the private folder, and with it whatever Keep did not keep.
func (d *Files) Remove() { os.RemoveAll(d.tmp) }
