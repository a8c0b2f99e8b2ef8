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
	text := strings.TrimLeft(md.String(), "\n")
	heading, rest, _ := strings.Cut(text, "\n")
	title, ok := strings.CutPrefix(heading, "# ")
	if !ok || strings.TrimSpace(title) == "" {
		return Article{}, fmt.Errorf("%s must start with a \"# Title\" heading: it is the article's title", name)
	}
	body, err := DocumentHTML([]byte(rest))
	if err != nil {
		return Article{}, err
	}
	return Article{Title: strings.TrimSpace(title), Body: string(body)}, nil
}
