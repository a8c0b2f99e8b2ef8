package bundle

import (
	"os"
	"testing"
)

// The stages at which SetVerifyHook's function runs.
const (
	HookSigned    = hookSigned
	HookExtracted = hookExtracted
)

// SetVerifyHook makes Verify call f at each stage with the file and its
// private copy, for the test's duration.
func SetVerifyHook(t testing.TB, f func(stage, file string, private *os.File)) {
	old := verifyHook
	verifyHook = f
	t.Cleanup(func() { verifyHook = old })
}

// SetExtractHook makes extraction call f after each file it writes, with the
// folder it writes into, for the test's duration.
func SetExtractHook(t testing.TB, f func(staging, name string)) {
	old := extractHook
	extractHook = f
	t.Cleanup(func() { extractHook = old })
}
