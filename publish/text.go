package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ReadableText turns an article body into the text a reader sees, one block per
// line: headings, paragraphs, list items and table rows on lines of their own,
// links followed by their address, images by theirs. Markup that changes nothing
// for the reader (attributes, white space between tags, entity spelling, the
// serialisation the help center chooses) is gone, so two bodies read the same
// exactly when their readable texts are equal. It is what drift detection
// fingerprints and what diffs show.
func ReadableText(body string) string {
	z := html.NewTokenizer(strings.NewReader(body))
	var lines []string
	var line strings.Builder
	var links []string // hrefs of the open <a> elements
	skip := 0          // depth inside elements whose content is never shown
	prefix := ""
	flush := func() {
		if text := strings.Join(strings.Fields(line.String()), " "); text != "" {
			lines = append(lines, prefix+text)
		}
		line.Reset()
		prefix = ""
	}
	pre := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return strings.Join(lines, "\n")
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := string(z.Text())
			if pre > 0 {
				// Preformatted text keeps its lines.
				parts := strings.Split(text, "\n")
				for i, p := range parts {
					if i > 0 {
						flush()
					}
					line.WriteString(p)
				}
				continue
			}
			line.WriteString(text)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Template:
				if tt == html.StartTagToken {
					skip++
				}
			case a == atom.Br:
				flush()
			case a == atom.Img:
				line.WriteString(" [" + attrs["alt"] + "](" + attrs["src"] + ") ")
			case a == atom.A:
				links = append(links, attrs["href"])
			case a == atom.Li:
				flush()
				prefix = "- "
			case a == atom.Pre:
				flush()
				pre++
			case isBlock(a):
				flush()
			case a == atom.Td || a == atom.Th:
				line.WriteString(" | ")
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Template:
				skip = max(skip-1, 0)
			case a == atom.A && len(links) > 0:
				if href := links[len(links)-1]; href != "" {
					line.WriteString(" <" + href + ">")
				}
				links = links[:len(links)-1]
			case a == atom.Pre:
				flush()
				pre = max(pre-1, 0)
			case isBlock(a) || a == atom.Li:
				flush()
			}
		}
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Table,
		atom.Thead, atom.Tbody, atom.Tr, atom.Blockquote, atom.Hr, atom.Section, atom.Dl, atom.Dt, atom.Dd:
		return true
	}
	return false
}

// Document is the text of an article in one locale as a reader sees it: its
// title, then its readable body.
func Document(title, body string) string {
	return strings.Join(strings.Fields(title), " ") + "\n\n" + ReadableText(body)
}

// Fingerprint is a short hash of a Document: equal for two versions of an
// article that read the same, whatever their markup.
func Fingerprint(title, body string) string {
	sum := sha256.Sum256([]byte(Document(title, body)))
	return hex.EncodeToString(sum[:fingerprintBytes])
}

// fingerprintBytes is the length of a fingerprint: 48 bits tell apart the
// versions of one article with certainty, and keep labels short.
const fingerprintBytes = 6
