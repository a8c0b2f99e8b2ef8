module github.com/atlas-release/atlas-release

go 1.26.8

require (
	github.com/Masterminds/semver/v3 v3.5.0
	go.yaml.in/yaml/v3 v3.0.4
)
