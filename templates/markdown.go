package templates

import (
	"bytes"
	"html/template"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// Markdown from manifests is written by people and published to customers, so it
// goes through goldmark's safe mode: raw HTML is dropped ("<!-- raw HTML omitted
// -->") and links with dangerous schemes (javascript:, vbscript:, file:) are not
// linked. GitHub Flavored Markdown gives tables, task lists, autolinks and
// strikethrough.
var (
	// documents are published to a help center, which keeps a conservative
	// subset of HTML: table alignment goes in an align attribute rather than an
	// inline style, and task-list items stay plain list items ("[ ] …") rather
	// than form inputs. Headings get stable ids derived from their text.
	documents = goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
	// fragments are fields embedded in the runbook page, which has its own ids
	// and styles: full GitHub Flavored Markdown.
	fragments = goldmark.New(goldmark.WithExtensions(extension.GFM))
)

// DocumentHTML converts a whole Markdown document to an HTML fragment.
func DocumentHTML(md []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := documents.Convert(md, &b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// fragmentCache remembers converted fields: the same steps recur in every path and
// bundle of a cut. It is bounded by the text of the workspace.
var fragmentCache sync.Map // string → template.HTML

// FragmentHTML converts a Markdown field (a step's details, a feature's summary)
// to HTML for a template. A single paragraph is unwrapped so that it can sit
// inline.
func FragmentHTML(md string) template.HTML {
	if h, ok := fragmentCache.Load(md); ok {
		return h.(template.HTML)
	}
	h := convertFragment(md)
	fragmentCache.Store(md, h)
	return h
}

func convertFragment(md string) template.HTML {
	var b bytes.Buffer
	if err := fragments.Convert([]byte(md), &b); err != nil {
		// goldmark's HTML renderer only fails when writing fails, and a
		// bytes.Buffer does not.
		panic("templates: markdown: " + err.Error())
	}
	out := strings.TrimSpace(b.String())
	if strings.HasPrefix(out, "<p>") && strings.HasSuffix(out, "</p>") && strings.Count(out, "<p>") == 1 {
		out = strings.TrimSuffix(strings.TrimPrefix(out, "<p>"), "</p>")
	}
	return template.HTML(out) //nolint:gosec // produced by goldmark's safe renderer
}
