package cli

import (
	"errors"

	"github.com/atlas-release/atlas-release/ghrelease"
	"github.com/atlas-release/atlas-release/releases"
)

// Environment variables that configure GitHub access.
const (
	GitHubTokenEnv  = "GITHUB_TOKEN"
	GitHubAPIURLEnv = "GITHUB_API_URL"
)

const githubEnvHelp = `GitHub: the token comes from $GITHUB_TOKEN (it needs contents: write on the repository;
classic tokens the repo scope); $GITHUB_API_URL (or github.apiUrl) names a GitHub
Enterprise Server, e.g. https://ghe.example.com/api/v3.`

// GitHubClient builds the client of the workspace's release repository.
func (f *Factory) GitHubClient(cfg *releases.Config) (*ghrelease.Client, error) {
	if cfg.GitHub == nil {
		return nil, usageErrorf("atlas-release.yaml has no github: settings (repository)")
	}
	token := f.Getenv(GitHubTokenEnv)
	if token == "" {
		return nil, &authError{errors.New("no GitHub token: set " + GitHubTokenEnv + " to a token that may publish releases to " + cfg.GitHub.Repository)}
	}
	c, err := ghrelease.New(ghrelease.Options{APIURL: cfg.GitHub.APIURL, Token: token, Repository: cfg.GitHub.Repository,
		UserAgent: "atlas-release/" + f.Build.Version})
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return c, nil
}
