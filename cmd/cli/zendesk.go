package cli

import (
	"errors"
	"fmt"
	"regexp"
	"sync"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/zendesk"
)

// Environment variables that configure ZenDesk access. Secrets come only from
// here (or, in CI, from the pipeline's secret store through here): never from
// files or flags, which end up in shell history and process lists.
const (
	ZendeskURLEnv          = "ZENDESK_URL"
	ZendeskSubdomainEnv    = "ZENDESK_SUBDOMAIN"
	ZendeskOAuthTokenEnv   = "ZENDESK_OAUTH_TOKEN"
	ZendeskClientIDEnv     = "ZENDESK_CLIENT_ID"
	ZendeskClientSecretEnv = "ZENDESK_CLIENT_SECRET"
	ZendeskEmailEnv        = "ZENDESK_EMAIL"
	ZendeskAPITokenEnv     = "ZENDESK_API_TOKEN"
)

const zendeskEnvHelp = `ZenDesk is reached at --url, else $ZENDESK_URL, else https://$ZENDESK_SUBDOMAIN.zendesk.com,
else zendesk.url of atlas-release.yaml. Credentials come from the environment only:
  ZENDESK_OAUTH_TOKEN                        an OAuth access token
  ZENDESK_CLIENT_ID, ZENDESK_CLIENT_SECRET   an OAuth client (client credentials grant, for CI)
  ZENDESK_EMAIL, ZENDESK_API_TOKEN           an API token (deprecated: they stop working on ` + zendesk.APITokenEndOfLife + `)`

// subdomainSyntax is a ZenDesk subdomain's syntax. It is compiled when first
// used: its bounded repetition makes a large program, and every command paid
// for it at start-up.
var subdomainSyntax = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`) })

// errNoCredentials is an authentication failure: exit status 4.
var errNoCredentials = errors.New("no ZenDesk credentials: set " + ZendeskOAuthTokenEnv + ", or " + ZendeskClientIDEnv + " and " +
	ZendeskClientSecretEnv + " (CI), or " + ZendeskEmailEnv + " and " + ZendeskAPITokenEnv + " (deprecated)")

// ZendeskClient builds the ZenDesk client from the flag, the environment and
// the workspace. It warns, on standard error, about deprecated credentials.
func (f *Factory) ZendeskClient(urlFlag string, cfg *releases.Config) (*zendesk.Client, error) {
	base := urlFlag
	if base == "" {
		base = f.Getenv(ZendeskURLEnv)
	}
	if base == "" {
		if sub := f.Getenv(ZendeskSubdomainEnv); sub != "" {
			if !subdomainSyntax().MatchString(sub) {
				return nil, usageErrorf("%s=%q is not a ZenDesk subdomain like acme", ZendeskSubdomainEnv, sub)
			}
			base = "https://" + sub + ".zendesk.com"
		}
	}
	if base == "" && cfg != nil && cfg.Zendesk != nil {
		base = cfg.Zendesk.URL
	}
	if base == "" {
		return nil, usageErrorf("no ZenDesk instance: pass --url, set %s or %s, or set zendesk.url in %s", ZendeskURLEnv, ZendeskSubdomainEnv, releases.ConfigFile)
	}
	creds, err := f.zendeskCredentials()
	if err != nil {
		return nil, err
	}
	if why := creds.Deprecated(); why != "" {
		fmt.Fprintf(f.IO.ErrOut, "%s %s\n", f.IO.Yellow("warning:"), why)
	}
	c, err := zendesk.New(zendesk.Options{BaseURL: base, Credentials: creds, UserAgent: "atlas-release/" + f.Build.Version})
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return c, nil
}

func (f *Factory) zendeskCredentials() (zendesk.Credentials, error) {
	token := f.Getenv(ZendeskOAuthTokenEnv)
	id, secret := f.Getenv(ZendeskClientIDEnv), f.Getenv(ZendeskClientSecretEnv)
	email, apiToken := f.Getenv(ZendeskEmailEnv), f.Getenv(ZendeskAPITokenEnv)
	switch {
	case token != "":
		return zendesk.BearerToken(token), nil
	case id != "" || secret != "":
		if id == "" || secret == "" {
			return nil, &authError{fmt.Errorf("%s and %s go together; one of them is not set", ZendeskClientIDEnv, ZendeskClientSecretEnv)}
		}
		return zendesk.ClientCredentials(id, secret, ""), nil
	case email != "" || apiToken != "":
		if email == "" || apiToken == "" {
			return nil, &authError{fmt.Errorf("%s and %s go together; one of them is not set", ZendeskEmailEnv, ZendeskAPITokenEnv)}
		}
		return zendesk.APIToken(email, apiToken), nil
	}
	return nil, &authError{errNoCredentials}
}
