package cli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atlas-release/atlas-release/internal/example"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"atlas-release": func() { os.Exit(Main(os.Args[1:], BuildInfo{Version: "v0.0.0-test"})) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the real
// binary. Each script starts with a copy of the example workspace in $WORK/atlas.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			return example.CopyTo(filepath.Join(env.WorkDir, "atlas"))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"status":  cmdStatus,
			"replace": cmdReplace,
			"zendesk": cmdZendesk,
			"github":  cmdGitHub,
		},
	})
}

// cmdStatus runs a command and checks its exit code: status 3 atlas-release validate.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status <code> <command> [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: bad exit code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("status: %v", err)
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// cmdReplace edits a file in place: replace OLD NEW FILE replaces every OLD.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace <old> <new> <file>")
	}
	file := ts.MkAbs(args[2])
	data := ts.ReadFile(args[2])
	if !strings.Contains(data, args[0]) {
		ts.Fatalf("replace: %q not found in %s", args[0], args[2])
	}
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(data, args[0], args[1])), 0o644); err != nil {
		ts.Fatalf("replace: %v", err)
	}
}
