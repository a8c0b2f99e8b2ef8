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
