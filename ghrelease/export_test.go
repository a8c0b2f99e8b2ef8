package ghrelease

// SetMaxAnswerBytes bounds answers to n bytes until the returned function is
// called: tests exercise the bound without sending 64 MiB.
func SetMaxAnswerBytes(n int64) (restore func()) {
	old := maxAnswerBytes
	maxAnswerBytes = n
	return func() { maxAnswerBytes = old }
}
