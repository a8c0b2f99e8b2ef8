// Command fetchaxe provisions axe-core, the accessibility engine the page tests
// inject into Chromium, for `make test`: it downloads the pinned npm tarball
// once, verifies it against the registry's pinned sha512 integrity, and
// extracts axe.min.js. axe-core is not committed; a machine that already has
// the tarball verifies it again and does not download.
//
//	fetchaxe <dir>    writes <dir>/axe-core-<version>.tgz and <dir>/axe.min.js
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// The pin: axe-core's version, its tarball on the npm registry, and the
// tarball's integrity as the registry publishes it (dist.integrity).
const (
	version   = "4.14.1"
	tarball   = "https://registry.npmjs.org/axe-core/-/axe-core-" + version + ".tgz"
	integrity = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
	// member is the file of the tarball the tests inject.
	member = "package/axe.min.js"
	// maxTarball bounds what is read from the network (the tarball is about 600 KiB).
	maxTarball = 16 << 20
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fetchaxe <dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "fetchaxe:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	local := filepath.Join(dir, "axe-core-"+version+".tgz")
	data, err := os.ReadFile(local)
	if err != nil || verify(data) != nil {
		if data, err = download(); err != nil {
			return err
		}
		if err := verify(data); err != nil {
			return fmt.Errorf("%s: %w", tarball, err)
		}
		if err := writeAtomic(local, data); err != nil {
			return err
		}
	}
	js, err := extract(data)
	if err != nil {
		return fmt.Errorf("%s: %w", local, err)
	}
	return writeAtomic(filepath.Join(dir, "axe.min.js"), js)
}

func download() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tarball, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download axe-core %s: %w", version, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", tarball, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxTarball+1))
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", tarball, err)
	}
	if len(data) > maxTarball {
		return nil, fmt.Errorf("download %s: larger than %d bytes", tarball, maxTarball)
	}
	return data, nil
}

// verify checks data against the pinned subresource-integrity string.
func verify(data []byte) error {
	sum := sha512.Sum512(data)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != integrity {
		return fmt.Errorf("integrity %s, want the pinned %s", got, integrity)
	}
	return nil
}

func extract(tgz []byte) ([]byte, error) {
	gz, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("no %s in the tarball", member)
		}
		if err != nil {
			return nil, err
		}
		if h.Name == member && h.Typeflag == tar.TypeReg {
			return io.ReadAll(tr)
		}
	}
}

// writeAtomic writes through a temporary file in the same folder, so that an
// interrupted run leaves no half-written file for make to take as done.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".fetchaxe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}
