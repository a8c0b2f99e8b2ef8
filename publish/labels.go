package publish

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Labels identify the articles this tool manages, so that it finds them again
// from any machine without local state:
//
//	atlas-release-<product>                    every managed article of the product
//	<product>-<version>                        the articles of one version
//	<product>-release-notes-<version>          one article (its identity)
//	<product>-upgrade-guide-<version>
//	atlas-release-fp-<locale>-<sent>-<stored>  per translation, written after each publish
//
// The fingerprint label records, for each locale, the fingerprint of the text
// last sent and of the text the help center stored in answer. A later run that
// finds another stored text knows someone edited the article by hand; one whose
// own text has another fingerprint knows the release changed. The help center
// may rewrite what it stores (it sanitises HTML), which is why both are kept and
// stored text is only ever compared with stored text.
const (
	managedPrefix     = "atlas-release-"
	fingerprintPrefix = "atlas-release-fp-"
)

var fingerprintLabel = regexp.MustCompile(`^atlas-release-fp-([a-z0-9-]+)-([0-9a-f]{12})-([0-9a-f]{12})$`)

// Kinds of article.
const (
	KindNotes = "release-notes"
	KindGuide = "upgrade-guide"
)

// Kinds lists the articles published for every version, in order.
var Kinds = []string{KindNotes, KindGuide}

func managedLabel(product string) string { return managedPrefix + product }

func versionLabel(product, version string) string { return product + "-" + version }

func identityLabel(product, kind, version string) string { return product + "-" + kind + "-" + version }

// recorded is what a fingerprint label says about one translation.
type recorded struct{ sent, stored string }

func fpLabel(locale string, r recorded) string {
	return fmt.Sprintf("%s%s-%s-%s", fingerprintPrefix, locale, r.sent, r.stored)
}

// parseFingerprints reads the fingerprint labels of an article, by locale.
func parseFingerprints(labels []string) map[string]recorded {
	out := map[string]recorded{}
	for _, l := range labels {
		if m := fingerprintLabel.FindStringSubmatch(l); m != nil {
			out[m[1]] = recorded{sent: m[2], stored: m[3]}
		}
	}
	return out
}

// ownLabel reports whether a label is one this tool writes for the article, and
// so may replace; labels people add by hand are kept.
func ownLabel(l, product, kind, version string) bool {
	return strings.HasPrefix(l, fingerprintPrefix) || l == managedLabel(product) ||
		l == versionLabel(product, version) || l == identityLabel(product, kind, version)
}

// articleLabels is the complete label set of an article: the labels people
// added, the configured ones, the identity labels and the fingerprints, sorted
// so that equal sets compare equal.
func articleLabels(current []string, product, kind, version string, configured []string, fps map[string]recorded) []string {
	var out []string
	for _, l := range current {
		if !ownLabel(l, product, kind, version) {
			out = append(out, l)
		}
	}
	out = append(out, configured...)
	out = append(out, managedLabel(product), versionLabel(product, version), identityLabel(product, kind, version))
	for locale, r := range fps {
		out = append(out, fpLabel(locale, r))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sameLabels(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
