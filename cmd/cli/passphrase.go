package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// PassphraseEnv names the environment variable that holds the signing key's
// passphrase, for CI.
const PassphraseEnv = "ATLAS_SIGNING_PASSPHRASE"

// passphrase returns the secret key's passphrase: from ATLAS_SIGNING_PASSPHRASE;
// else the first line of standard input when it is not a terminal; else a prompt
// on the terminal, asked twice when confirm is set. Never from a flag: flags end
// up in shell histories and process lists.
func (f *Factory) passphrase(confirm bool) (string, error) {
	if p, ok := f.lookupEnv(PassphraseEnv); ok {
		return p, nil
	}
	if !f.IO.StdinTTY {
		line, err := bufio.NewReader(f.IO.In).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("no passphrase: set %s, pipe it on standard input, or run in a terminal", PassphraseEnv)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	ask := func(prompt string) (string, error) {
		fd := int(os.Stdin.Fd())
		// ReadPassword turns echo off and back on; if Ctrl-C ends the process
		// during the prompt, the terminal must get its echo back all the same.
		if state, err := term.GetState(fd); err == nil {
			defer f.onExit.add(func() {
				_ = term.Restore(fd, state)
				fmt.Fprintln(f.IO.ErrOut)
			})()
		}
		fmt.Fprint(f.IO.ErrOut, prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(f.IO.ErrOut)
		return string(b), err
	}
	p, err := ask("Passphrase of the signing key: ")
	if err != nil || !confirm {
		return p, err
	}
	again, err := ask("Same passphrase again: ")
	if err != nil {
		return "", err
	}
	if again != p {
		return "", errors.New("the passphrases differ")
	}
	return p, nil
}

func (f *Factory) lookupEnv(name string) (string, bool) {
	v := f.Getenv(name)
	return v, v != ""
}
