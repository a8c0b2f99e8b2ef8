package releases

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzManifest feeds arbitrary bytes to the loader and validator as a manifest of
// the example workspace. Whatever the input: no panic, every diagnostic names a
// registered rule and a real position in a file, and a manifest that validates
// composes from every version that may upgrade to it.
func FuzzManifest(f *testing.F) {
	fuzzFile(f, "releases/4.4.0.yaml", "testdata/invalid/*.yaml")
}

// FuzzWorkspaceFile does the same for atlas-release.yaml.
func FuzzWorkspaceFile(f *testing.F) {
	fuzzFile(f, ConfigFile, "../examples/atlas/atlas-release.yaml", "testdata/invalid/6*.yaml")
}

// FuzzReleaseTranslation does the same for a release's translation.
func FuzzReleaseTranslation(f *testing.F) {
	fuzzFile(f, "locales/de/releases/4.3.0.yaml", "../examples/atlas/locales/de/releases/*.yaml", "testdata/invalid/6[6-8]*.yaml")
}

// FuzzCustomersFile does the same for customers.yaml.
func FuzzCustomersFile(f *testing.F) {
	fuzzFile(f, CustomersFile, "../examples/atlas/customers.yaml", "testdata/invalid/7[1-4]*.yaml")
}

// FuzzLanguageFile does the same for a locale's language settings.
func FuzzLanguageFile(f *testing.F) {
	fuzzFile(f, "locales/de/language.yaml", "../examples/atlas/locales/*/language.yaml", "testdata/invalid/69*.yaml", "testdata/invalid/70*.yaml")
}

// fuzzFile fuzzes one file of the base workspace, seeded from the globs and
// with the nesting and node bombs of the YAML budget.
func fuzzFile(f *testing.F, name string, seeds ...string) {
	addSeeds(f, seeds...)
	for _, b := range budgetBombs(4 << 10) {
		f.Add([]byte("schemaVersion: 1\n" + b.data))
	}
	base := fuzzBaseFS(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys[name] = &fstest.MapFile{Data: data}
		checkFuzzedWorkspace(t, fsys)
	})
}

// fuzzBase is a small workspace: the example's workspace file, scripts and
// language settings, and one small release, so that each execution is fast and minimizing an input is too.
func fuzzBaseFS(tb testing.TB) fstest.MapFS {
	example := exampleFS(tb)
	base := fstest.MapFS{ConfigFile: example[ConfigFile]}
	for name, file := range example {
		if strings.HasPrefix(name, ScriptsDir+"/") ||
			(strings.HasPrefix(name, LocalesDir+"/") && !strings.Contains(name, "/"+ReleasesDir+"/")) {
			base[name] = file
		}
	}
	base["releases/4.3.0.yaml"] = &fstest.MapFile{Data: mustRead(tb, "testdata/valid/4.3.0.yaml")}
	return base
}

func addSeeds(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func checkFuzzedWorkspace(t *testing.T, fsys fstest.MapFS) {
	ws, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	diags := ws.Validate()
	for _, d := range diags {
		if _, ok := RuleFor(d.Code); !ok || d.Line < 1 || d.Col < 1 || d.File == "" || d.Message == "" {
			t.Fatalf("malformed diagnostic %+v", d)
		}
	}
	if diags.Errors() > 0 {
		return
	}
	for _, to := range ws.Manifests {
		for _, from := range ws.Manifests {
			if !from.SemVer().LessThan(to.SemVer()) {
				continue
			}
			if _, err := ws.Route(from.SemVer(), to.SemVer()); err != nil {
				continue
			}
			if _, err := ws.Plan(from.SemVer(), to.SemVer()); err != nil {
				t.Fatalf("valid workspace, but %s → %s cannot be planned: %v", from.SemVer(), to.SemVer(), err)
			}
		}
	}
}
