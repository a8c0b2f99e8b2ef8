//go:build linux

package cut

import (
	"golang.org/x/sys/unix"
)

// swap exchanges two folders in one atomic step, so that a reader (or a crash)
// sees either the old one or the new one in place, never neither.
func swap(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
