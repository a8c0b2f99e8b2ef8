package templates

import (
	"bytes"
	"fmt"
	"strings"
)

// Article is a document as a help center publishes it: a title, and a body of
// help-center-safe HTML converted from the Markdown form, so that both always say
// the same.
type Article struct {
	Title string
	Body  string
}

// NotesArticle renders release notes as an article.
func (s *Set) NotesArticle(n *Notes) (Article, error) { return s.article(NotesMarkdown, n) }

// GuideArticle renders an upgrade guide as an article.
func (s *Set) GuideArticle(g *Guide) (Article, error) { return s.article(GuideMarkdown, g) }

// article renders a Markdown template whose first line is the "# Title" heading:
// the heading becomes the article's title, the rest its body.
func (s *Set) article(name string, data any) (Article, error) {
	var md bytes.Buffer
	if err := s.execute(&md, name, data); err != nil {
		return Article{}, err
	}
	title, rest, ok := SplitTitle(md.Bytes())
	if !ok || title == "" {
		return Article{}, fmt.Errorf("%s must start with a \"# Title\" heading: it is the article's title", name)
	}
	body, err := DocumentHTML(rest)
	if err != nil {
		return Article{}, err
	}
	return Article{Title: title, Body: string(body)}, nil
}

// SplitTitle splits a Markdown document whose first line (after blank lines)
// is a "# Title" heading into the title and the rest; ok is false without such
// a heading. The HTML form of a document (RenderNotes, RenderGuide) and an
// article's body are both the rest converted, so that a cut's .html file is
// the article a help center publishes, byte for byte.
func SplitTitle(md []byte) (title string, rest []byte, ok bool) {
	trimmed := bytes.TrimLeft(md, "\n")
	heading, rest, _ := bytes.Cut(trimmed, []byte("\n"))
	t, ok := bytes.CutPrefix(heading, []byte("# "))
	if !ok {
		return "", md, false
	}
	return strings.TrimSpace(string(t)), rest, true
}
