package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestUsageAgreesWithDefaults walks every command and checks that its help
// says what it does: a flag whose help names its default ("default: …") has
// no other default for cobra to print beside it, and every --flag that a
// command's usage line or examples name is a flag of the command they run.
func TestUsageAgreesWithDefaults(t *testing.T) {
	ios, _, _, _ := TestIO()
	root := NewCmdRoot(&Factory{IO: ios, Getenv: func(string) string { return "" }})
	named := regexp.MustCompile(`[(;] ?default:? ([^);]*)`)
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		cmd.Flags().VisitAll(func(fl *pflag.Flag) {
			m := named.FindStringSubmatch(fl.Usage)
			if m == nil {
				return
			}
			if own := cobraDefault(fl); own != "" && own != m[1] {
				t.Errorf("%s --%s: its help says the default is %q, but cobra prints (default %s) beside it", cmd.CommandPath(), fl.Name, m[1], own)
			}
		})
		for _, ref := range flagRefs(cmd.Use) {
			if cmd.Flags().Lookup(ref) == nil {
				t.Errorf("the usage line of %s names --%s, which it does not have", cmd.CommandPath(), ref)
			}
		}
		for line := range strings.SplitSeq(cmd.Example, "\n") {
			line, _, _ = strings.Cut(line, "#")
			fields := strings.Fields(line)
			i := 0
			for i < len(fields) && fields[i] != root.Name() {
				i++ // environment variables before the command
			}
			if i == len(fields) {
				continue
			}
			ran, _, err := root.Find(fields[i+1:])
			if err != nil {
				t.Errorf("an example of %s runs no command: %q", cmd.CommandPath(), line)
				continue
			}
			for _, ref := range flagRefs(line) {
				if ran.Flags().Lookup(ref) == nil && ran.InheritedFlags().Lookup(ref) == nil {
					t.Errorf("an example of %s gives %s --%s, which it does not have: %q", cmd.CommandPath(), ran.CommandPath(), ref, strings.TrimSpace(line))
				}
			}
		}
		for _, c := range cmd.Commands() {
			walk(c)
		}
	}
	walk(root)
}

var flagRef = regexp.MustCompile(`(?:^|[\s\[(|])--([a-z][a-z0-9-]*)`)

// flagRefs are the long flags a text names, but --help.
func flagRefs(text string) []string {
	var refs []string
	for _, m := range flagRef.FindAllStringSubmatch(text, -1) {
		if m[1] != "help" {
			refs = append(refs, m[1])
		}
	}
	return refs
}

// cobraDefault is the default cobra prints in a flag's help, as it prints it,
// or "" when it prints none (the zero value of the flag's type).
func cobraDefault(fl *pflag.Flag) string {
	switch fl.DefValue {
	case "", "false", "0", "[]", "<nil>":
		return ""
	}
	if fl.Value.Type() == "string" {
		return `"` + fl.DefValue + `"`
	}
	return fl.DefValue
}
