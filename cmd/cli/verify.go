package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"aead.dev/minisign"
	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/bundle"
	"github.com/atlas-release/atlas-release/internal/download"
	"github.com/atlas-release/atlas-release/internal/wsfs"
	"github.com/atlas-release/atlas-release/signing"
)

// VerifyOptions are the inputs of `verify`.
type VerifyOptions struct {
	F             *Factory
	File          string
	Key           string
	Signature     string
	ExpectVersion string
	ExpectProduct string
	Extract       string
	JSON          bool
	// URL downloads the file (and its signature) before checking it.
	URL         string
	DownloadDir string
}

// NewCmdVerify builds `verify`.
func NewCmdVerify(f *Factory) *cobra.Command {
	opts := &VerifyOptions{F: f}
	cmd := &cobra.Command{
		Use:   "verify <file>",
		Short: "Check that a downloaded bundle is authentic and complete",
		Long: `Check a downloaded runbook bundle — an upgrade's (<product>-<to>-from-<from>.tar.gz)
or the install bundle of a new deployment (<product>-<version>-install.tar.gz) —
or SHA256SUMS, in this order:

 1. its minisign signature (<file>.minisig) over the exact bytes, before anything
    reads them: prehashed only, by the expected key, and a signed trusted comment
    that names this file, its SHA-256, what it is (an upgrade from a version,
    or an install) and, with --expect-version, that version;
 2. every entry of the archive: only files and folders, local paths, no duplicates
    (also by case), sizes counted and capped against decompression bombs;
 3. manifest.json and SHA256SUMS list exactly the files present, with the right
    SHA-256 each.

With --extract DIR, a bundle that passed is extracted into DIR, which must be
empty, without any file escaping it. Nothing is left there when a check fails.

The file is read once: the checks and the extraction read a private copy of
the very bytes whose signature was verified (it needs as much free space as the
file, next to it or in the temporary folder), so changing the file meanwhile
changes nothing but the verdict: a file that changed while it was verified fails.

With --url, the file and its signature (<url>.minisig) are downloaded first, over
HTTPS, into --download-dir (default: the current folder); they are kept only if
they pass.

The public key is --key (the "RW…" line or a .pub file), else ATLAS_PUBLIC_KEY,
else signing.publicKey of the workspace you are in.`,
		Example: `  atlas-release verify atlas-4.3.0-from-4.1.0.tar.gz --key RWQ… --expect-version 4.3
  atlas-release verify atlas-4.3.0-from-4.1.0.tar.gz --key atlas-release.pub --extract runbook
  atlas-release verify atlas-4.3.0-install.tar.gz --key RWQ… --expect-version 4.3 --extract install
  atlas-release verify SHA256SUMS --key RWQ…
  atlas-release verify --url https://github.com/acme/runbooks/releases/download/v4.3.0/acme-4.3.0-from-4.1.0.tar.gz --key RWQ… --extract runbook`,
		Args: rangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 1 && opts.URL != "":
				return usageErrorf("give a file or --url, not both")
			case len(args) == 0 && opts.URL == "":
				return usageErrorf("verify needs a file, or --url")
			case len(args) == 1:
				opts.File = args[0]
			}
			return verifyRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Key, "key", "", "the public `KEY`: its base64 line or a .pub file")
	cmd.Flags().StringVar(&opts.Signature, "sig", "", "the signature `FILE` (default: <file>.minisig)")
	cmd.Flags().StringVar(&opts.ExpectVersion, "expect-version", "", "fail unless the file is for this `VERSION`")
	cmd.Flags().StringVar(&opts.ExpectProduct, "expect-product", "", "fail unless the file is for this product `ID`")
	cmd.Flags().StringVar(&opts.Extract, "extract", "", "extract a verified bundle into `DIR` (empty or new)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON")
	cmd.Flags().StringVar(&opts.URL, "url", "", "download the file at `URL` (and <URL>.minisig), then check it")
	cmd.Flags().StringVar(&opts.DownloadDir, "download-dir", ".", "with --url, keep the downloads in `DIR`")
	return cmd
}

func verifyRun(cmd *cobra.Command, opts *VerifyOptions) error {
	pub, err := opts.publicKey()
	if err != nil {
		return err
	}
	var keep func() (string, error)
	if opts.URL != "" {
		d, err := download.Signed(cmd.Context(), opts.URL, opts.DownloadDir)
		switch {
		case errors.Is(err, download.ErrInvalidURL):
			return usageErrorf("--url: %w", err)
		case errors.Is(err, fs.ErrExist):
			return fmt.Errorf("%w: remove it, or download into another folder with --download-dir", err)
		case err != nil:
			return err
		}
		defer d.Remove()
		opts.File, keep = d.File, d.Keep
	}
	expect := bundle.Expect{Product: opts.ExpectProduct}
	if opts.ExpectVersion != "" {
		v, err := versionArg("--expect-version", opts.ExpectVersion)
		if err != nil {
			return err
		}
		expect.Version = v.String()
	}
	sigPath := opts.Signature
	if sigPath == "" {
		sigPath = opts.File + ".minisig"
	}
	// A signature is a few hundred bytes: read at most what --url downloads,
	// and only from a regular file, never waiting on a pipe or device.
	sig, err := wsfs.ReadFile(sigPath, download.MaxSignatureBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return &verificationError{fmt.Errorf("%s: no signature (%s): download it next to the file, or name it with --sig", opts.File, sigPath)}
	}
	if errors.Is(err, wsfs.ErrRefused) {
		return &verificationError{fmt.Errorf("%s: %w: the signature file cannot be used: %w", opts.File, signing.ErrVerification, err)}
	}
	if err != nil {
		return err
	}
	rep, err := bundle.Verify(opts.File, sig, pub, expect, opts.Extract, bundle.DefaultLimits)
	if errors.Is(err, signing.ErrVerification) || errors.Is(err, bundle.ErrInvalid) || errors.Is(err, wsfs.ErrRefused) {
		return &verificationError{err}
	}
	if err != nil {
		return err
	}
	if keep != nil {
		kept, err := keep()
		if err != nil {
			return err
		}
		rep.Downloaded = kept
	}
	ios := opts.F.IO
	if opts.JSON {
		return writeJSON(ios.Out, rep)
	}
	fmt.Fprintf(ios.Out, "%s %s: signed by key %s\n", ios.Green("OK"), rep.File, rep.KeyID)
	if rep.Downloaded != "" {
		fmt.Fprintf(ios.Out, "  downloaded to %s (and its .minisig)\n", rep.Downloaded)
	}
	fmt.Fprintf(ios.Out, "  trusted comment: %s\n", printable(rep.Comment))
	switch m := rep.Bundle; {
	case m == nil:
	case m.Install:
		fmt.Fprintf(ios.Out, "  install bundle: %s %s on a new tenant, %d files checked against manifest.json and SHA256SUMS\n", m.Product, m.To, len(m.Files)+2)
	default:
		fmt.Fprintf(ios.Out, "  runbook bundle: %s %s → %s, %d files checked against manifest.json and SHA256SUMS\n", m.Product, m.From, m.To, len(m.Files)+2)
	}
	if rep.Extracted != "" {
		fmt.Fprintf(ios.Out, "  extracted into %s: open %s/runbook.html\n", rep.Extracted, rep.Extracted)
	}
	if rep.Warning != "" {
		fmt.Fprintf(ios.ErrOut, "%s %s\n", ios.Yellow("warning:"), rep.Warning)
	}
	return nil
}

// publicKey finds the key to verify with: --key, ATLAS_PUBLIC_KEY, or the
// workspace's signing.publicKey.
func (opts *VerifyOptions) publicKey() (minisign.PublicKey, error) {
	pub, ok, err := opts.F.PublicKey("--key", opts.Key)
	if err != nil {
		return minisign.PublicKey{}, err
	}
	if !ok {
		return minisign.PublicKey{}, usageErrorf("verify needs the public key: --key RW… (from the upgrade guide), or %s", PublicKeyEnv)
	}
	return pub, nil
}
