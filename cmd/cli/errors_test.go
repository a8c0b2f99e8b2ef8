package cli

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/internal/download"
	"github.com/atlas-release/atlas-release/internal/example"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
)

// TestExitCodes is the exit-code table: each kind of error, wrapped as
// commands wrap them, gets its documented code.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"an error", errors.New("boom"), ExitError},
		{"usage", fmt.Errorf("x: %w", usageErrorf("--format: bad")), ExitUsage},
		{"unknown command", errors.New(`unknown command "frob" for "atlas-release"`), ExitUsage},
		{"a bad --url", usageErrorf("--url: %w", download.ErrInvalidURL), ExitUsage},
		{"a silent code", &silentError{code: ExitValidation}, ExitValidation},
		{"validation", &releases.ValidationError{}, ExitValidation},
		{"verification", &verificationError{errors.New("bad")}, ExitValidation},
		{"a bad signature", fmt.Errorf("x: %w", signing.ErrVerification), ExitValidation},
		{"a bad bundle", fmt.Errorf("x: %w", bundle.ErrInvalid), ExitValidation},
		{"a refused file", fmt.Errorf("x: %w", wsfs.ErrRefused), ExitValidation},
		{"auth", &authError{errors.New("no token")}, ExitAuth},
		{"a template writing control characters", fmt.Errorf("render: %w", templates.ErrUnsafeText), ExitValidation},
		{"input a fleet plan cannot take", &upgrades.InputError{Err: errors.New("no slot")}, ExitValidation},
		// A release the workspace does not have: a failure, not usage.
		{"no such release", fmt.Errorf("notes: %w", releases.ErrNoRelease), ExitError},
		{"no release, as usage", usageErrorf("x: %w", releases.ErrNoRelease), ExitUsage},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("%s: exit code %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestNoReleaseExit1: a version the workspace has no manifest for exits 1
// with the workspace's message, and no usage hint.
func TestNoReleaseExit1(t *testing.T) {
	ws := example.Copy(t)
	for _, args := range [][]string{
		{"notes", "9.9"},
		{"validate", "9.9"},
		{"diff", "4.3", "9.9"},
		{"runbook", "--from", "4.1", "--to", "9.9"},
		{"plan", "--from", "4.1", "--to", "9.9"},
	} {
		code, _, stderr := runCLI(t, nil, append([]string{"-C", ws}, args...)...)
		if code != ExitError || !strings.Contains(stderr, "no release 9.9.0 in the workspace (no releases/9.9.0.yaml; releases: ") || strings.Contains(stderr, "--help") {
			t.Errorf("%s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
	}
}

// TestClientRedirectRefusalsExit1: the GitHub and ZenDesk clients' refusal of
// a redirect to another origin is a failure (exit 1), not an auth problem nor
// invalid input.
func TestClientRedirectRefusalsExit1(t *testing.T) {
	other, received := otherOrigin(t)
	home := redirecting(t, http.StatusFound, other.URL)
	gh, err := ghrelease.New(ghrelease.Options{APIURL: home.URL + "/api/v3", Token: "ghp_token_0123456789", Repository: "acme/runbooks", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	zd, err := zendesk.New(zendesk.Options{BaseURL: home.URL, Credentials: zendesk.BearerToken("zendesk-token-0123"), MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, zerr := zd.Locales(t.Context())
	for name, err := range map[string]error{"github": gh.Preflight(t.Context()), "zendesk": zerr} {
		if err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") || exitCode(err) != ExitError {
			t.Errorf("%s: exit %d: %v", name, exitCode(err), err)
		}
	}
	if n := received.Load(); n > 0 {
		t.Errorf("the other origin received %d requests", n)
	}
}
