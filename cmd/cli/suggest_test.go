package cli

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// TestFlagError: an unknown flag is a usage error proposing the closest
// flags of the command, inherited ones included, hidden ones never.
func TestFlagError(t *testing.T) {
	root := &cobra.Command{Use: "atlas-release", SilenceErrors: true, SilenceUsage: true}
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	root.PersistentFlags().String("dir", "", "")
	cmd := &cobra.Command{Use: "runbook", Run: func(*cobra.Command, []string) {}}
	cmd.Flags().String("from", "", "")
	cmd.Flags().String("from-date", "", "")
	cmd.Flags().String("format", "", "")
	cmd.Flags().String("secret", "", "")
	_ = cmd.Flags().MarkHidden("secret")
	root.AddCommand(cmd)
	root.SetFlagErrorFunc(flagError)
	for _, tc := range []struct {
		arg  string
		want []string
	}{
		{"--fromm", []string{"from"}},
		{"--frm", []string{"from"}},
		{"--fr", []string{"from", "from-date"}},
		{"-from", []string{"from"}},
		{"--FROM", []string{"from"}},
		{"--formt=html", []string{"format"}},
		{"--dri", []string{"dir"}},
		{"--secrt", nil},
		{"--zzzzzz", nil},
		{"-x", nil},
		{"--" + strings.Repeat("a", 200), nil},
	} {
		root.SetArgs([]string{"runbook", tc.arg})
		err := root.Execute()
		var usage *usageError
		if !errors.As(err, &usage) {
			t.Errorf("%s: %v is not a usage error", tc.arg, err)
			continue
		}
		_, got, _ := strings.Cut(err.Error(), "Did you mean this?\n")
		var want string
		if len(tc.want) > 0 {
			want = "\t--" + strings.Join(tc.want, "\n\t--")
		}
		if got != want {
			t.Errorf("%s: suggests %q, want %q", tc.arg, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"from", "from", 0}, {"fromm", "from", 1}, {"form", "from", 2},
		{"", "dir", 3}, {"kitten", "sitting", 3}, {strings.Repeat("a", 65), "a", math.MaxInt},
	} {
		if got := releases.EditDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
