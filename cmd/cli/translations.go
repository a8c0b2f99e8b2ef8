package cli

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/releases"
)

// NewCmdTranslations builds `translations`, the commands of locales/.
func NewCmdTranslations(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "translations <command>",
		Short: "Keep translations in step with the text they translate",
		Long: `A translation (locales/<locale>/releases/<version>.yaml) records, item by item,
a fingerprint of the source text it translates. When that text changes,
validate warns (AR1408) and names the translated items that are out of date;
publish names the locales whose articles would be stale.`,
		Args: rangeArgs(0, 0),
	}
	cmd.AddCommand(newCmdTranslationsConfirm(f))
	return cmd
}

// TranslationsConfirmOptions are the inputs of `translations confirm`.
type TranslationsConfirmOptions struct {
	F       *Factory
	Locale  string
	Version string
	Items   []string
}

func newCmdTranslationsConfirm(f *Factory) *cobra.Command {
	opts := &TranslationsConfirmOptions{F: f}
	return &cobra.Command{
		Use:   "confirm <locale> <version> [item...]",
		Short: "Record that translated items match their source text",
		Long: `Write into locales/<locale>/releases/<version>.yaml the fingerprint of the
source text each item translates as it is now: run it once a translator has
checked that the items say what the source says. Items are named by their id
(a feature, an outage, a prerequisite, a known issue), or "summary" (the
release's summary and codename) and "contentFreeze"; without items, every item
of the file is confirmed. The rest of the file — comments, order, quoting — is
left as it is.`,
		Example: `  atlas-release translations confirm de 4.3           # every item of locales/de/releases/4.3.0.yaml
  atlas-release translations confirm de 4.3 news-hub  # one item, after updating its translation`,
		Args: rangeArgs(2, math.MaxInt),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Locale, opts.Version, opts.Items = args[0], args[1], args[2:]
			return translationsConfirmRun(opts)
		},
	}
}

// translatedLocale refuses a locale that has no translations to confirm:
// the language the manifests are written in, or one that locales: does not
// list, each with its own answer rather than "no translation of" a version.
func translatedLocale(cfg *releases.Config, locale string) error {
	if locale == cfg.DefaultLocale() {
		return usageErrorf("%s is the language the manifests are written in (the first of locales: in %s): it has no translation to confirm; name another locale",
			locale, releases.ConfigFile)
	}
	if !slices.Contains(cfg.Locales, locale) {
		listed := "lists none"
		if len(cfg.Locales) > 0 {
			listed = "lists " + strings.Join(cfg.Locales, ", ")
		}
		return usageErrorf("locale %s is not in locales: of %s (it %s): add it there, with its translations in %s/%s/",
			locale, releases.ConfigFile, listed, releases.LocalesDir, locale)
	}
	return nil
}

func translationsConfirmRun(opts *TranslationsConfirmOptions) error {
	v, err := versionArg("", opts.Version)
	if err != nil {
		return err
	}
	ws, err := opts.F.Workspace()
	if err != nil {
		return err
	}
	if err := translatedLocale(ws.Config, opts.Locale); err != nil {
		return err
	}
	m, err := ws.Release(v)
	if err != nil {
		return err
	}
	t := ws.Translation(opts.Locale)
	var rt *releases.ReleaseTranslation
	if t != nil {
		rt = t.Release(v)
	}
	if rt == nil {
		return fmt.Errorf("locale %s has no translation of %s (%s/%s/%s/%s.yaml); `atlas-release validate` says why if the file is there",
			opts.Locale, v, releases.LocalesDir, opts.Locale, releases.ReleasesDir, v)
	}
	src, err := releases.ReadFile(ws.FS, rt.File())
	if err != nil {
		return err
	}
	out, changed, err := releases.ConfirmTranslation(src, rt, m, opts.Items)
	if errors.Is(err, releases.ErrNoItem) {
		return usageErrorf("%v", err)
	}
	if err != nil {
		return err
	}
	ios := opts.F.IO
	if len(changed) == 0 {
		fmt.Fprintf(ios.Out, "Nothing to confirm: the items of %s record the fingerprints of their source text.\n", rt.File())
		return nil
	}
	root, err := opts.F.WorkspaceRoot()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(root, filepath.FromSlash(rt.File())), out, 0o644); err != nil {
		return err
	}
	names := make([]string, len(changed))
	for i, it := range changed {
		names[i] = it.Name()
	}
	fmt.Fprintf(ios.Out, "Confirmed in %s: %s.\n", rt.File(), strings.Join(names, ", "))
	return nil
}
