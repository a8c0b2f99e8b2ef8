package cli

import (
	"testing"
	"time"
)

// runCLI runs the command line in-process with buffered streams and the given
// environment, as a script would see it.
func runCLI(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := TestIO()
	f := &Factory{
		IO:     ios,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) },
		Build:  BuildInfo{Version: "v0.0.0-test"},
	}
	code = run(f, args)
	return code, out.String(), errOut.String()
}
