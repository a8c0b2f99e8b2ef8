//go:build !linux

package cut

import (
	"errors"
	"os"
)

// swap exchanges two folders with two renames: without an atomic exchange, a
// crash between them leaves the old folder under a's name and b missing.
func swap(a, b string) error {
	tmp := a + ".swap"
	if err := os.Rename(b, tmp); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		return errors.Join(err, os.Rename(tmp, b))
	}
	return os.Rename(tmp, a)
}
