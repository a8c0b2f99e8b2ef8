package cli

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// ValidateOptions are the inputs of `validate`.
type ValidateOptions struct {
	F        *Factory
	Versions []string
	JSON     bool
	Format   string
	// FormatGiven tells an explicit --format text from the default.
	FormatGiven bool
	Strict      bool
	Explain     string
}

// NewCmdValidate builds `validate`.
func NewCmdValidate(f *Factory) *cobra.Command {
	opts := &ValidateOptions{F: f}
	cmd := &cobra.Command{
		Use:   "validate [version...]",
		Short: "Check the workspace and its release manifests",
		Long: `Check atlas-release.yaml and every release manifest against every rule: YAML
syntax, unknown keys, types, references, dependencies, durations, outages,
content freezes, effort budgets, cadence and privileged roles.

Each problem is printed as

  path:line:col: severity CODE: message

with paths relative to the workspace, sorted by file and position, followed by a
summary. On a terminal, a hint follows each problem. Name versions to report
only on their manifests (and on atlas-release.yaml); every manifest is still
loaded, because rules look across releases.

Warnings do not fail validation unless --strict is given. Explain a rule with
--explain CODE.

Formats (--format): text (the default), json (the same as --json), github
(GitHub Actions workflow commands, one ::error or ::warning line each, which
pull requests show as annotations on the manifest's lines) and sarif (SARIF
2.1.0, with every rule, for code-scanning services). With github and sarif
the summary goes to standard error.`,
		Example: `  atlas-release validate
  atlas-release validate 4.3 --strict
  atlas-release validate --json | jq '.diagnostics[] | select(.severity == "error")'
  atlas-release validate --explain AR0901
  atlas-release validate --format github
  atlas-release validate --format sarif > atlas-release.sarif`,
		ValidArgsFunction: completeVersions(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Versions = args
			opts.FormatGiven = cmd.Flags().Changed("format")
			return validateRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the diagnostics as JSON (--format json)")
	cmd.Flags().StringVar(&opts.Format, "format", validateText, "output `FORMAT`: "+strings.Join(validateFormats, ", "))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(validateFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "fail on warnings too")
	cmd.Flags().StringVar(&opts.Explain, "explain", "", "explain the rule with this `CODE` and exit")
	return cmd
}

// The output formats of validate.
const (
	validateText   = "text"
	validateJSON   = "json"
	validateGitHub = "github"
	validateSARIF  = "sarif"
)

var validateFormats = []string{validateText, validateJSON, validateGitHub, validateSARIF}

type validateResult struct {
	Diagnostics releases.Diagnostics `json:"diagnostics"`
	Manifests   int                  `json:"manifests"`
	Errors      int                  `json:"errors"`
	Warnings    int                  `json:"warnings"`
	OK          bool                 `json:"ok"`
}

func validateRun(opts *ValidateOptions) error {
	ios := opts.F.IO
	format := opts.Format
	switch {
	case format == "":
		format = validateText
	case !slices.Contains(validateFormats, format):
		return usageErrorf("--format: unknown format %q; formats: %s", format, strings.Join(validateFormats, ", "))
	}
	if opts.JSON {
		if format != validateJSON && (opts.FormatGiven || format != validateText) {
			return usageErrorf("--json and --format %s ask for two formats; give one", format)
		}
		format = validateJSON
	}
	if opts.Explain != "" {
		rule, ok := releases.RuleFor(opts.Explain)
		if !ok {
			return usageErrorf("no rule %q; codes run from %s to %s", opts.Explain, releases.Rules[0].Code, releases.Rules[len(releases.Rules)-1].Code)
		}
		fmt.Fprintf(ios.Out, "%s (%s): %s\n%s\n", rule.Code, rule.Severity, rule.Summary, rule.Help)
		return nil
	}
	ws, err := opts.F.Workspace()
	if err != nil {
		return err
	}
	diags := ws.Validate()
	manifests := len(ws.ManifestFiles)
	if len(opts.Versions) > 0 {
		files := map[string]bool{releases.ConfigFile: true}
		for _, arg := range opts.Versions {
			v, err := versionArg("", arg)
			if err != nil {
				return err
			}
			// A manifest that did not load is still reported on by its file:
			// its diagnostics say why it did not.
			m, err := ws.Release(v)
			file := path.Join(releases.ReleasesDir, v.String()+".yaml")
			switch {
			case err == nil:
				file = m.File()
				// The scripts its steps run are part of the release: a
				// placeholder left in one is the release's problem.
				for _, st := range m.Steps {
					files[st.Script] = st.Script != ""
				}
				if m.Install != nil {
					for _, st := range m.Install.Steps {
						files[st.Script] = st.Script != ""
					}
				}
			case !releases.FileExists(ws.FS, file):
				return err
			}
			files[file] = true
		}
		var kept releases.Diagnostics
		for _, d := range diags {
			if files[d.File] {
				kept = append(kept, d)
			}
		}
		diags, manifests = kept, len(opts.Versions)
	}
	res := validateResult{Diagnostics: diags, Manifests: manifests, Errors: diags.Errors(), Warnings: diags.Warnings()}
	if res.Diagnostics == nil {
		res.Diagnostics = releases.Diagnostics{}
	}
	res.OK = res.Errors == 0 && (!opts.Strict || res.Warnings == 0)
	switch format {
	case validateJSON:
		if err := writeJSON(ios.Out, res); err != nil {
			return err
		}
	case validateGitHub:
		if err := releases.WriteGitHubAnnotations(ios.Out, diags); err != nil {
			return err
		}
		fmt.Fprintln(ios.ErrOut, summary(ios, res, opts.Strict))
	case validateSARIF:
		if err := writeJSON(ios.Out, releases.SARIF(diags, opts.F.Build.Version)); err != nil {
			return err
		}
		fmt.Fprintln(ios.ErrOut, summary(ios, res, opts.Strict))
	default:
		printDiagnostics(ios, diags)
		fmt.Fprintln(ios.Out, summary(ios, res, opts.Strict))
	}
	if !res.OK {
		return &silentError{code: ExitValidation}
	}
	return nil
}

func printDiagnostics(ios *IOStreams, diags releases.Diagnostics) {
	for _, d := range diags {
		line := d.String()
		if d.Severity == releases.SeverityError {
			line = ios.Red(line)
		} else {
			line = ios.Yellow(line)
		}
		fmt.Fprintln(ios.Out, line)
		if ios.StdoutTTY && d.Help != "" {
			fmt.Fprintln(ios.Out, ios.Dim("    hint: "+d.Help))
		}
	}
}

func summary(ios *IOStreams, r validateResult, strict bool) string {
	what := fmt.Sprintf("%d manifest%s and %s", r.Manifests, plural(r.Manifests), releases.ConfigFile)
	switch {
	case r.Errors == 0 && r.Warnings == 0:
		return ios.Green("ok") + ": " + what + " validate with no problems"
	case r.OK:
		return fmt.Sprintf("%s: %s validate with %d warning%s", ios.Yellow("ok"), what, r.Warnings, plural(r.Warnings))
	case r.Errors == 0 && strict:
		return fmt.Sprintf("%s: %d warning%s in %s, and --strict fails on warnings", ios.Red("failed"), r.Warnings, plural(r.Warnings), what)
	}
	return fmt.Sprintf("%s: %d error%s and %d warning%s in %s", ios.Red("failed"), r.Errors, plural(r.Errors), r.Warnings, plural(r.Warnings), what)
}
