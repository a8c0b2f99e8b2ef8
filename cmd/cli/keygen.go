package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/atlas-release/atlas-release/signing"
)

// KeygenOptions are the inputs of `keygen`.
type KeygenOptions struct {
	F           *Factory
	OutDir      string
	Unencrypted bool
	Force       bool
}

// NewCmdKeygen builds `keygen`.
func NewCmdKeygen(f *Factory) *cobra.Command {
	opts := &KeygenOptions{F: f}
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Create the key pair that signs releases",
		Long: `Create a minisign key pair: atlas-release.key, the secret key (mode 0600), and
atlas-release.pub, the public key customers verify downloads with. Put the public
key in atlas-release.yaml (signing.publicKey); keep the secret key out of the
repository.

The secret key is encrypted with a passphrase (scrypt) unless --unencrypted is
given. The passphrase comes from ATLAS_SIGNING_PASSPHRASE, from standard input
when it is not a terminal, or from a prompt — never from a flag. An existing key
is never overwritten without --force.`,
		Example: `  atlas-release keygen --out-dir ~/.atlas-release
  ATLAS_SIGNING_PASSPHRASE=… atlas-release keygen --out-dir keys`,
		Args: rangeArgs(0, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return keygenRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.OutDir, "out-dir", ".", "write the key files into `DIR`")
	cmd.Flags().BoolVar(&opts.Unencrypted, "unencrypted", false, "leave the secret key unencrypted (for throwaway keys)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite existing key files")
	return cmd
}

func keygenRun(opts *KeygenOptions) error {
	dir := opts.OutDir
	secretPath, publicPath := filepath.Join(dir, signing.SecretKeyFile), filepath.Join(dir, signing.PublicKeyFile)
	if !opts.Force {
		for _, p := range []string{secretPath, publicPath} {
			if _, err := os.Lstat(p); err == nil {
				return fmt.Errorf("%s already exists; pass --force to replace the key pair", p)
			}
		}
	}
	passphrase := ""
	if !opts.Unencrypted {
		var err error
		if passphrase, err = opts.F.passphrase(true); err != nil {
			return err
		}
		if passphrase == "" {
			return usageErrorf("the passphrase is empty; choose one, or pass --unencrypted for an unencrypted key")
		}
	}
	secret, public, err := signing.GenerateKey(passphrase)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := writeNewFile
	if opts.Force {
		write = writeFileAtomic
	}
	if err := write(secretPath, secret, 0o600); err != nil {
		return err
	}
	if err := write(publicPath, public, 0o644); err != nil {
		return err
	}
	pub, err := signing.ParsePublicKey(string(public))
	if err != nil {
		return err
	}
	ios := opts.F.IO
	fmt.Fprintf(ios.Out, "Wrote %s (secret: keep it safe, never commit it) and %s.\n", secretPath, publicPath)
	fmt.Fprintf(ios.Out, "Public key (key ID %s) — put it in atlas-release.yaml:\n\nsigning:\n  publicKey: %s\n", signing.KeyID(pub.ID()), pub.String())
	return nil
}
