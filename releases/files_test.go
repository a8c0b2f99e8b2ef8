//go:build unix

package releases

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/Masterminds/semver/v3"

	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/internal/wsfs"
)

// hostileWorkspace copies the example workspace to disk beside a folder outside
// it, and lets change make it hostile.
func hostileWorkspace(t *testing.T, change func(ws, outside string) error) string {
	t.Helper()
	// Not t.TempDir(): a socket's path must be short.
	base, err := os.MkdirTemp("", "ws")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	ws, outside := filepath.Join(base, "ws"), filepath.Join(base, "outside")
	if err := example.CopyTo(ws); err != nil {
		t.Fatal(err)
	}
	// The outside holds a copy of every file, so that a followed link would
	// validate cleanly: only the refusal can make the test pass.
	if err := example.CopyTo(outside); err != nil {
		t.Fatal(err)
	}
	if err := change(ws, outside); err != nil {
		t.Fatal(err)
	}
	return ws
}

// replace removes a workspace file and puts make's result in its place.
func replace(name string, make func(path, outside string) error) func(ws, outside string) error {
	return func(ws, outside string) error {
		p := filepath.Join(ws, filepath.FromSlash(name))
		if err := os.RemoveAll(p); err != nil {
			return err
		}
		return make(p, filepath.Join(outside, filepath.FromSlash(name)))
	}
}

func linkTo(target string) func(p, _ string) error {
	return func(p, _ string) error { return os.Symlink(target, p) }
}

func linkOutside(p, outside string) error { return os.Symlink(outside, p) }

func fifo(p, _ string) error { return syscall.Mkfifo(p, 0o644) }

func socket(t *testing.T) func(p, _ string) error {
	return func(p, _ string) error {
		ln, err := net.Listen("unix", p)
		if err == nil {
			t.Cleanup(func() { ln.Close() })
		}
		return err
	}
}

func mkdir(p, _ string) error { return os.Mkdir(p, 0o755) }

// loadNoHang loads and validates a workspace on disk through the workspace
// file system, failing instead of hanging if a read blocks.
func loadNoHang(t *testing.T, dir string) Diagnostics {
	t.Helper()
	fsys, err := wsfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fsys.Close() })
	type result struct {
		diags Diagnostics
		err   error
	}
	done := make(chan result, 1)
	go func() {
		ws, err := Load(fsys)
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{diags: ws.Validate()}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Load: %v", r.err)
		}
		return r.diags
	case <-time.After(10 * time.Second):
		t.Fatal("loading the workspace blocked on a special file")
	}
	return nil
}

// TestWorkspaceFilesMustBeRegularFilesInside replaces files of the example
// workspace with links (out of and inside the workspace), named pipes,
// sockets, folders and linked folders: each is an error on the path, never
// skipped and never followed, and nothing blocks.
func TestWorkspaceFilesMustBeRegularFilesInside(t *testing.T) {
	const deploy = "scripts/Deploy-AtlasBackend.ps1"
	for _, tc := range []struct {
		name   string
		change func(ws, outside string) error
		// file and code of the diagnostic expected, and a fragment of its message.
		file, code, want string
	}{
		{"script linked outside", replace(deploy, linkOutside), "releases/4.3.0.yaml", "AR0405", "script " + deploy + ": a symbolic link; atlas-release reads only regular files and folders"},
		{"script linked inside", replace(deploy, linkTo("Test-AtlasDeployment.ps1")), "releases/4.3.0.yaml", "AR0405", deploy + ": a symbolic link"},
		{"script linked to a device", replace(deploy, linkTo("/dev/zero")), "releases/4.3.0.yaml", "AR0405", deploy + ": a symbolic link"},
		{"script is a named pipe", replace(deploy, fifo), "releases/4.3.0.yaml", "AR0405", deploy + ": a named pipe (FIFO), not a regular file"},
		{"script is a socket", replace(deploy, socket(t)), "releases/4.3.0.yaml", "AR0405", deploy + ": a socket"},
		{"script is a folder", replace(deploy, mkdir), "releases/4.3.0.yaml", "AR0405", deploy + ": a directory"},
		{"scripts folder linked outside", replace("scripts", linkOutside), "releases/4.3.0.yaml", "AR0405", "scripts is a symbolic link"},
		{"manifest linked outside", replace("releases/4.3.0.yaml", linkOutside), "releases/4.3.0.yaml", "AR0101", "a symbolic link; atlas-release reads only regular files and folders"},
		{"manifest linked inside", replace("releases/4.3.0.yaml", linkTo("../customers.yaml")), "releases/4.3.0.yaml", "AR0101", "a symbolic link"},
		{"manifest is a named pipe", replace("releases/4.4.0.yaml", fifo), "releases/4.4.0.yaml", "AR0101", "a named pipe (FIFO)"},
		{"manifest is a folder", replace("releases/4.4.0.yaml", mkdir), "releases/4.4.0.yaml", "AR0101", "a directory"},
		{"releases folder linked outside", replace("releases", linkOutside), "releases", "AR0101", "a symbolic link"},
		{"workspace file linked outside", replace(ConfigFile, linkOutside), ConfigFile, "AR0101", "a symbolic link"},
		{"customers is a named pipe", replace(CustomersFile, fifo), CustomersFile, "AR0101", "a named pipe (FIFO)"},
		{"customers linked outside", replace(CustomersFile, linkOutside), CustomersFile, "AR0101", "a symbolic link"},
		{"translation is a named pipe", replace("locales/de/releases/4.3.0.yaml", fifo), "locales/de/releases/4.3.0.yaml", "AR0101", "a named pipe"},
		{"language file linked outside", replace("locales/de/language.yaml", linkOutside), "locales/de/language.yaml", "AR0101", "a symbolic link"},
		{"locale folder linked", replace("locales/fr", linkTo("de")), "locales/fr", "AR0101", "a symbolic link"},
		{"locale folder linked outside", replace("locales/de", linkOutside), "locales/de", "AR0101", "a symbolic link"},
		{"locale template linked outside", replace("locales/de/templates/notes.md.tmpl", linkOutside), "locales/de/templates/notes.md.tmpl", "AR0101", "a symbolic link"},
		{"locale template is a named pipe", replace("locales/de/templates/notes.md.tmpl", fifo), "locales/de/templates/notes.md.tmpl", "AR0101", "a named pipe"},
		{"locale templates folder linked outside", replace("locales/de/templates", linkOutside), "locales/de/templates", "AR0101", "a symbolic link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diags := loadNoHang(t, hostileWorkspace(t, tc.change))
			for _, d := range diags {
				if d.File == tc.file && d.Code == tc.code && d.Severity == SeverityError && strings.Contains(d.Message, tc.want) {
					return
				}
			}
			t.Errorf("no %s error on %s with %q; got:\n%s", tc.code, tc.file, tc.want, diagList(diags))
		})
	}
}

func diagList(diags Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// The model refuses links and special files whatever file system it is given,
// by their type, without opening them.
func TestLoadRefusesSpecialFilesOfAnyFileSystem(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		mode       fs.FileMode
		// diagFile and code of the diagnostic expected.
		diagFile, code string
	}{
		{"named pipe script", "scripts/Deploy-AtlasBackend.ps1", fs.ModeNamedPipe, "releases/4.3.0.yaml", "AR0405"},
		{"device script", "scripts/Deploy-AtlasBackend.ps1", fs.ModeDevice | fs.ModeCharDevice, "releases/4.3.0.yaml", "AR0405"},
		{"irregular script", "scripts/Deploy-AtlasBackend.ps1", fs.ModeIrregular, "releases/4.3.0.yaml", "AR0405"},
		{"linked manifest", "releases/4.3.0.yaml", fs.ModeSymlink, "releases/4.3.0.yaml", "AR0101"},
		{"named pipe manifest", "releases/4.3.0.yaml", fs.ModeNamedPipe, "releases/4.3.0.yaml", "AR0101"},
		{"socket customers", CustomersFile, fs.ModeSocket, CustomersFile, "AR0101"},
		{"linked language file", "locales/de/language.yaml", fs.ModeSymlink, "locales/de/language.yaml", "AR0101"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := exampleFS(t)
			f := fsys[tc.file]
			f.Mode = tc.mode
			if tc.mode&fs.ModeSymlink != 0 {
				fsys["elsewhere/"+tc.file] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
				f.Data = []byte(strings.Repeat("../", strings.Count(tc.file, "/")) + "elsewhere/" + tc.file)
			}
			ws := mustLoad(t, fsys)
			diags := ws.Validate()
			for _, d := range diags {
				if d.File == tc.diagFile && d.Code == tc.code && strings.Contains(d.Message, "atlas-release reads only regular files") {
					return
				}
			}
			t.Errorf("no %s error on %s; got:\n%s", tc.code, tc.diagFile, diagList(diags))
		})
	}
}

func TestReadFile(t *testing.T) {
	fsys := fstest.MapFS{
		"templates/ok.tmpl":   {Data: []byte("ok")},
		"templates/pipe.tmpl": {Mode: fs.ModeNamedPipe},
		"templates/link.tmpl": {Mode: fs.ModeSymlink, Data: []byte("ok.tmpl")},
		"templates/big.tmpl":  {Data: make([]byte, MaxFileSize+1)},
	}
	if b, err := ReadFile(fsys, "templates/ok.tmpl"); err != nil || string(b) != "ok" {
		t.Errorf("ReadFile(ok) = %q, %v", b, err)
	}
	for name, want := range map[string]string{
		"templates/pipe.tmpl": "templates/pipe.tmpl: a named pipe (FIFO), not a regular file",
		"templates/link.tmpl": "templates/link.tmpl: a symbolic link; atlas-release reads only regular files",
		"templates":           "templates: a directory, not a regular file",
		"templates/big.tmpl":  "templates/big.tmpl: file is 1048577 bytes",
	} {
		_, err := ReadFile(fsys, name)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ReadFile(%s) error %v; want %q", name, err, want)
		}
		if !strings.Contains(name, "big") && !errors.Is(err, ErrNotRegular) {
			t.Errorf("ReadFile(%s) error %v does not wrap ErrNotRegular", name, err)
		}
	}
	if _, err := ReadFile(fsys, "templates/none.tmpl"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v; want fs.ErrNotExist", err)
	}
}

// TestFileNamesThatWouldSpoofAreReported: a file name is printed with every
// diagnostic about it, so one holding terminal controls, bidirectional
// overrides or bytes that are not UTF-8 is reported escaped, never printed raw.
func TestFileNamesThatWouldSpoofAreReported(t *testing.T) {
	for _, name := range []string{"4.4.0\u202e.yaml", "4.4.0\x1b[31m.yaml", "4.4.0\xff.yaml", "4.4.0\u200b.yaml", "de\u2066"} {
		t.Run(strconv.Quote(name), func(t *testing.T) {
			fsys := exampleFS(t)
			dir := ReleasesDir
			if !strings.HasSuffix(name, ".yaml") {
				dir = LocalesDir
				name += "/language.yaml"
			}
			fsys[dir+"/"+name] = &fstest.MapFile{Data: fsys["releases/4.3.0.yaml"].Data, Mode: 0o644}
			ws := mustLoad(t, fsys)
			diags := ws.Validate()
			found := false
			for _, d := range diags {
				if !utf8.ValidString(d.String()) || strings.ContainsAny(d.String(), "\x1b\u202e\u200b\u2066") {
					t.Errorf("a diagnostic prints the name raw: %q", d.String())
				}
				if d.Code == "AR0101" && strings.Contains(d.Message, "the file name holds") {
					found = true
				}
			}
			if !found {
				t.Errorf("the name was not reported; got:\n%s", diagList(diags))
			}
		})
	}
}

// TestScriptNamesArePortable: a script goes into bundles, whose entry names are
// portable; any other name is refused at validation, on the step.
func TestScriptNamesArePortable(t *testing.T) {
	for _, name := range []string{"scripts/x;calc.ps1", "scripts/Deploy Atlas.ps1", "scripts/Déploy.ps1", "scripts/a$(b).ps1"} {
		t.Run(name, func(t *testing.T) {
			fsys := exampleFS(t)
			m := fsys["releases/4.3.0.yaml"]
			m.Data = []byte(strings.Replace(string(m.Data), "script: scripts/Deploy-AtlasBackend.ps1", "script: "+strconv.Quote(name), 1))
			fsys[name] = &fstest.MapFile{Data: fsys["scripts/Deploy-AtlasBackend.ps1"].Data, Mode: 0o644}
			diags := mustLoad(t, fsys).Validate()
			for _, d := range diags {
				if d.Code == "AR0405" && d.File == "releases/4.3.0.yaml" && strings.Contains(d.Message, "may hold only") {
					return
				}
			}
			t.Errorf("no AR0405; got:\n%s", diagList(diags))
		})
	}
}

// TestReleaseResolvesOrSaysWhatThereIs: the one way to resolve a version gives
// the manifest, or an error naming the file it looked for and the releases
// there are.
func TestReleaseResolvesOrSaysWhatThereIs(t *testing.T) {
	ws := mustLoad(t, exampleFS(t))
	m, err := ws.Release(semver.MustParse("4.2"))
	if err != nil || m.Version != "4.2.0" {
		t.Fatalf("4.2: %v %v", m, err)
	}
	_, err = ws.Release(semver.MustParse("4.9"))
	if !errors.Is(err, ErrNoRelease) || err.Error() != "no release 4.9.0 in the workspace (no releases/4.9.0.yaml; releases: 4.0.0, 4.1.0, 4.2.0, 4.3.0)" {
		t.Errorf("4.9: %v", err)
	}
	if m, err := ws.Latest(); err != nil || m.Version != "4.3.0" {
		t.Errorf("latest: %v %v", m, err)
	}
	if _, err := (&Workspace{}).Latest(); !errors.Is(err, ErrNoRelease) {
		t.Errorf("latest of none: %v", err)
	}
}
