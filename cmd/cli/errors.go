package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/signing"
	"github.com/atlas-release/atlas-release/templates"
	"github.com/atlas-release/atlas-release/upgrades"
	"github.com/atlas-release/atlas-release/zendesk"
)

// Exit codes, as documented in every command's help.
const (
	ExitOK         = 0
	ExitError      = 1
	ExitUsage      = 2
	ExitValidation = 3
	ExitAuth       = 4
	// ExitInterrupted is 128 + SIGINT, as shells report a Ctrl-C; SIGTERM gives
	// 128 + 15.
	ExitInterrupted = 130
)

const exitStatusHelp = `
Exit status:
  0    success
  1    error
  2    wrong usage (unknown command or flag, bad arguments)
  3    validation or verification failed
  4    remote authentication or permission failure
  130  interrupted (Ctrl-C)
`

// exitCode classifies an error. It is the only place that decides exit codes;
// run is the only caller outside tests.
func exitCode(err error) int {
	var (
		usage    *usageError
		silent   *silentError
		invalid  *releases.ValidationError
		verified *verificationError
		auth     *authError
		input    *upgrades.InputError
	)
	switch {
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &usage), strings.HasPrefix(err.Error(), "unknown command"):
		return ExitUsage
	case errors.As(err, &invalid), errors.As(err, &verified), errors.As(err, &input):
		return ExitValidation
	case errors.As(err, &auth), zendesk.KindOf(err) == zendesk.KindAuth, zendesk.KindOf(err) == zendesk.KindPermission,
		ghrelease.KindOf(err) == ghrelease.KindAuth, ghrelease.KindOf(err) == ghrelease.KindPermission:
		return ExitAuth
	case isVerificationFailure(err):
		return ExitValidation
	case errors.Is(err, releases.ErrNoRelease):
		// A version the workspace has no manifest for is a plain failure, not
		// wrong usage: the message lists the releases there are, and the
		// usage hint of exit 2 would send the user to --help for nothing.
		return ExitError
	}
	return ExitError
}

// isVerificationFailure reports a file that failed its checks: a signature, a
// bundle or a cut, or a file that is not a regular file where one is read (a
// link or a named pipe in the workspace, a device given as a key).
func isVerificationFailure(err error) bool {
	return errors.Is(err, signing.ErrVerification) || errors.Is(err, bundle.ErrInvalid) ||
		errors.Is(err, wsfs.ErrRefused) || errors.Is(err, releases.ErrNotRegular) || errors.Is(err, templates.ErrUnsafeText)
}

// exitCodeOfSignal is the exit code of a process ended by sig, as shells
// report it.
func exitCodeOfSignal(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return ExitInterrupted
}

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// silentError ends the process with a code after the command has already said why.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// verificationError makes a failed check exit with code 3.
type verificationError struct{ err error }

func (e *verificationError) Error() string { return e.err.Error() }
func (e *verificationError) Unwrap() error { return e.err }

// authError is a failure to authenticate with a remote service: exit status 4.
type authError struct{ err error }

func (e *authError) Error() string { return e.err.Error() }
func (e *authError) Unwrap() error { return e.err }
