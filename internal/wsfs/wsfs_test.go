//go:build unix

package wsfs

import (
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

const secret = "outside the workspace"

// tree builds a workspace with every kind of hostile entry, beside a folder
// outside it holding a secret.
func tree(t testing.TB) (ws string) {
	t.Helper()
	base := t.TempDir()
	out, ws := filepath.Join(base, "outside"), filepath.Join(base, "ws")
	for _, d := range []string{out, filepath.Join(ws, "scripts"), filepath.Join(ws, "releases")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(out, "secret.ps1"), secret)
	write(filepath.Join(ws, "scripts", "ok.ps1"), "inside")
	write(filepath.Join(ws, "releases", "4.3.0.yaml"), "inside")
	link := func(target, name string) {
		if err := os.Symlink(target, filepath.Join(ws, name)); err != nil {
			t.Fatal(err)
		}
	}
	link(filepath.Join(out, "secret.ps1"), "scripts/abs.ps1")
	link("../../outside/secret.ps1", "scripts/rel.ps1")
	link("ok.ps1", "scripts/inside.ps1")
	link("missing.ps1", "scripts/dangling.ps1")
	link("/dev/zero", "scripts/zero.ps1")
	link(out, "outdir")
	link("scripts", "indir")
	if err := syscall.Mkfifo(filepath.Join(ws, "scripts", "fifo.ps1"), 0o644); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", filepath.Join(ws, "scripts", "sock.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ws
}

// noHang fails the test, instead of hanging it, when f blocks.
func noHang(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("blocked: a special file was opened for reading")
	}
}

func TestOpenRefusesWhatIsNotARegularFileInside(t *testing.T) {
	ws := tree(t)
	fsys, err := New(ws)
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	for _, tc := range []struct {
		name string
		// want is a fragment of the error; empty means the file opens.
		want string
		is   error
	}{
		{"scripts/ok.ps1", "", nil},
		{"releases/4.3.0.yaml", "", nil},
		{"scripts", "", nil},
		{".", "", nil},
		{"scripts/abs.ps1", "a symbolic link; atlas-release reads only regular files and folders", ErrRefused},
		{"scripts/rel.ps1", "put a copy in place of the link", ErrRefused},
		{"scripts/inside.ps1", "a symbolic link", ErrRefused},
		{"scripts/dangling.ps1", "a symbolic link", ErrRefused},
		{"scripts/zero.ps1", "a symbolic link", ErrRefused},
		{"outdir/secret.ps1", "outdir is a symbolic link", ErrRefused},
		{"outdir", "a symbolic link", ErrRefused},
		{"indir/ok.ps1", "indir is a symbolic link", ErrRefused},
		{"scripts/fifo.ps1", "a named pipe (FIFO), not a regular file", ErrRefused},
		{"scripts/sock.ps1", "a socket, not a regular file", ErrRefused},
		{"../outside/secret.ps1", "invalid argument", fs.ErrInvalid},
		{"scripts/../../outside/secret.ps1", "invalid argument", fs.ErrInvalid},
		{"scripts/../scripts/ok.ps1", "invalid argument", fs.ErrInvalid},
		{"/etc/passwd", "invalid argument", fs.ErrInvalid},
		{"scripts/missing.ps1", "no such file", fs.ErrNotExist},
		{"scripts/ok.ps1/x", "not a directory", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f fs.File
			var err error
			noHang(t, func() { f, err = fsys.Open(tc.name) })
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				f.Close()
				return
			}
			if err == nil {
				b, _ := io.ReadAll(io.LimitReader(f, 64))
				f.Close()
				t.Fatalf("Open opened it (%q); want an error with %q", b, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
				t.Errorf("error %q; want the name and %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if errors.Is(err, ErrRefused) && !errors.Is(err, fs.ErrInvalid) {
				t.Errorf("a refusal must also be fs.ErrInvalid, for code that knows only io/fs")
			}
		})
	}
}

// Stat describes special files without opening them, and refuses paths
// through links as Open does.
func TestStat(t *testing.T) {
	fsys, err := New(tree(t))
	if err != nil {
		t.Fatal(err)
	}
	if st, err := fsys.Stat("scripts/fifo.ps1"); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("Stat(fifo) = %v, %v; want a named pipe", st, err)
	}
	for _, name := range []string{"scripts/abs.ps1", "outdir/secret.ps1", "indir"} {
		if _, err := fs.Stat(fsys, name); !errors.Is(err, ErrRefused) {
			t.Errorf("Stat(%s) = %v; want a refusal", name, err)
		}
	}
	// Listings show entries as they are, links and pipes included, for the
	// caller to report them.
	entries, err := fs.ReadDir(fsys, "scripts")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, e := range entries {
		kinds[e.Name()] = describe(e.Type())
	}
	if kinds["abs.ps1"] != "a symbolic link" || kinds["fifo.ps1"] != "a named pipe (FIFO)" || kinds["ok.ps1"] != "a regular file" {
		t.Errorf("ReadDir kinds = %v", kinds)
	}
}

// The file system is a proper fs.FS on a workspace without hostile entries.
func TestFSConformance(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"atlas-release.yaml", "releases/4.3.0.yaml", "scripts/a.ps1"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(fsys, "atlas-release.yaml", "releases/4.3.0.yaml", "scripts/a.ps1"); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFileAndReadFile(t *testing.T) {
	ws := tree(t)
	big := filepath.Join(t.TempDir(), "big.key")
	if err := os.WriteFile(big, make([]byte, 1025), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want string
	}{
		{filepath.Join(ws, "scripts", "ok.ps1"), ""},
		// A user's own path may be a link: they chose it.
		{filepath.Join(ws, "scripts", "abs.ps1"), ""},
		{filepath.Join(ws, "scripts", "fifo.ps1"), "a named pipe (FIFO), not a regular file"},
		{filepath.Join(ws, "scripts", "sock.ps1"), "a socket, not a regular file"},
		{filepath.Join(ws, "scripts", "zero.ps1"), "a character device, not a regular file"},
		{"/dev/zero", "a character device"},
		{"/dev/null", "a character device"},
		{filepath.Join(ws, "scripts"), "a directory, not a regular file"},
		{big, "larger than 1024 bytes"},
		{filepath.Join(ws, "nothing"), "no such file"},
	} {
		t.Run(filepath.Base(tc.path), func(t *testing.T) {
			var b []byte
			var err error
			noHang(t, func() { b, err = ReadFile(tc.path, 1024) })
			if tc.want == "" {
				if err != nil || len(b) == 0 {
					t.Fatalf("ReadFile = %q, %v", b, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Fatalf("ReadFile error %v; want the path and %q", err, tc.want)
			}
			if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrRefused) {
				t.Errorf("%v does not wrap ErrRefused", err)
			}
		})
	}
}

// FuzzOpen checks that no name, however written, opens anything but a regular
// file or folder inside the workspace, reached without a link.
func FuzzOpen(f *testing.F) {
	for _, s := range []string{"scripts/ok.ps1", "scripts/abs.ps1", "scripts/rel.ps1", "outdir/secret.ps1", "indir/ok.ps1",
		"scripts/fifo.ps1", "../outside/secret.ps1", "scripts/../../outside/secret.ps1", "scripts//ok.ps1", "./scripts/ok.ps1",
		"scripts/ok.ps1/", "outdir/../scripts/ok.ps1", "\x00", "scripts\\..\\..\\outside\\secret.ps1", ""} {
		f.Add(s)
	}
	fsys, err := New(tree(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		var file fs.File
		var err error
		noHang(t, func() { file, err = fsys.Open(name) })
		if err != nil {
			return
		}
		defer file.Close()
		st, err := file.Stat()
		if err != nil {
			t.Fatal(err)
		}
		if !st.Mode().IsRegular() && !st.IsDir() {
			t.Fatalf("Open(%q) opened %s", name, describe(st.Mode()))
		}
		if !fs.ValidPath(name) || strings.HasPrefix(name, "outdir") || strings.HasPrefix(name, "indir") {
			t.Fatalf("Open(%q) succeeded", name)
		}
		if st.Mode().IsRegular() {
			if b, _ := io.ReadAll(file); string(b) == secret {
				t.Fatalf("Open(%q) read a file outside the workspace", name)
			}
		}
	})
}
