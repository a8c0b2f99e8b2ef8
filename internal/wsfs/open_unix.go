//go:build unix

package wsfs

import "syscall"

// openFlags make opening a special file that slipped past the type check
// return at once: a named pipe without a writer would block the open
// (O_NONBLOCK), and a terminal must not become the controlling one (O_NOCTTY).
// Reads of regular files ignore O_NONBLOCK.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY
