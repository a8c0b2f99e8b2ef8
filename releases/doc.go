// Package releases is the model of a release workspace: the workspace settings
// (atlas-release.yaml), one manifest per version (releases/<version>.yaml), their
// strict loading with the line and column of every value, every validation rule,
// upgrade paths through required stops, and the composition of cumulative runbooks.
//
// The package is pure: it reads through an fs.FS, never prints, never reads the
// environment and never looks at the clock. The same inputs always give the same
// values, in the same order.
package releases
