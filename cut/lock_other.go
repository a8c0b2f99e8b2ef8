//go:build !unix

package cut

import "os"

// lock opens the lock file; on systems without flock, concurrent cuts rely on
// the atomic rename that ends every cut.
func lock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
}
