//go:build !unix

package wsfs

// openFlags are empty where named pipes are not files of the file system.
const openFlags = 0
