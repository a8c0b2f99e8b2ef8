package zendesktest

import (
	"cmp"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// pageStyle is shared by the sandbox's pages. Long lines (commands, URLs)
// wrap inside their block rather than widen the page; wide tables shrink
// their columns by breaking words.
const pageStyle = `<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:0 auto;padding:0 1rem 2rem;color:#1b1f24;overflow-wrap:break-word}
a{color:#0b57d0}.draft{background:#fff4ce;color:#5c4300;border-radius:4px;padding:0 .4em;font-size:.8em}
header{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline;border-bottom:1px solid #c8ccd0;padding:.75rem 0;margin-bottom:1rem}
header nav ul{display:flex;flex-wrap:wrap;gap:0 1rem;list-style:none;margin:0;padding:0}
table{border-collapse:collapse;max-width:100%}td,th{border:1px solid #c8ccd0;padding:.3em .5em;overflow-wrap:anywhere;text-align:left;vertical-align:top}
pre{background:#f6f8fa;border:1px solid #c8ccd0;border-radius:4px;padding:.6rem .8rem;white-space:pre-wrap;overflow-wrap:anywhere}
code{font-family:ui-monospace,Consolas,Menlo,monospace;font-size:.9em;overflow-wrap:anywhere}
img{max-width:100%;height:auto}.meta{color:#5f6368;font-size:.9em}</style>`

// pageWords are the sandbox pages' own words, in the language of the help
// center locale the reader opened; the articles bring their own.
type pageWords struct {
	HelpCenter, AllArticles, Languages, Updated, Draft, NoArticles, Version, Other string
}

var (
	englishWords = pageWords{HelpCenter: "Help Center", AllArticles: "All articles", Languages: "Languages", Updated: "Updated",
		Draft: "draft", NoArticles: "No articles in this language yet.", Version: "Version", Other: "Other articles"}
	// pageLanguages are the languages with their own words, by the first part
	// of a locale (de, de-ch and de-at read German); other locales read English.
	pageLanguages = map[string]pageWords{
		"de": {HelpCenter: "Hilfe-Center", AllArticles: "Alle Artikel", Languages: "Sprachen", Updated: "Aktualisiert",
			Draft: "Entwurf", NoArticles: "In dieser Sprache gibt es noch keine Artikel.", Version: "Version", Other: "Weitere Artikel"},
	}
)

func wordsFor(locale string) pageWords {
	lang, _, _ := strings.Cut(strings.ToLower(locale), "-")
	if w, ok := pageLanguages[lang]; ok {
		return w
	}
	return englishWords
}

// pageTemplate is the sandbox's plain view of the help center as its readers
// see it: the articles of a locale, newest version first, and one article
// (its body is the stored, sanitised HTML). Readers do not see an article's
// labels, which are its publisher's bookkeeping.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Locale}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
` + pageStyle + `</head><body>
<header><a href="/hc/{{.Locale}}">{{.Words.HelpCenter}}</a>
<nav aria-label="{{.Words.Languages}}"><ul>{{range .Locales}}<li><a href="/hc/{{.}}" lang="{{.}}" hreflang="{{.}}"{{if eq . $.Locale}} aria-current="page"{{end}}>{{.}}</a></li>{{end}}</ul></nav></header>
<main>
{{if .Article}}<p><a href="/hc/{{.Locale}}">← {{.Words.AllArticles}}</a></p>
<h1>{{.Article.Title}}{{if .Article.Draft}} <span class="draft">{{.Words.Draft}}</span>{{end}}</h1>
<p class="meta">{{.Words.Updated}} {{.Article.Updated}}</p>
<article>{{.Article.Body}}</article>
{{else}}<h1>{{.Title}}</h1>
{{range .Sections}}<section><h2>{{.Name}}</h2>
{{range .Versions}}<h3>{{if .Version}}{{$.Words.Version}} {{.Version}}{{else}}{{$.Words.Other}}{{end}}</h3>
<ul>{{range .Articles}}<li><a href="/hc/{{$.Locale}}/articles/{{.ID}}">{{.Title}}</a>{{if .Draft}} <span class="draft">{{$.Words.Draft}}</span>{{end}}</li>{{end}}</ul>
{{else}}<p>{{$.Words.NoArticles}}</p>{{end}}</section>
{{end}}{{end}}</main></body></html>
`))

type pageArticle struct {
	ID      int64
	Title   string
	Draft   bool
	Updated string
	// version is the release the article is about, from its labels or title.
	version string
	// Body is the stored body: the emulator sanitised it when it was written,
	// as the help center does.
	Body template.HTML
}

type pageVersion struct {
	Version  string // empty for the articles of no version
	Articles []pageArticle
}

type pageSection struct {
	Name     string
	Versions []pageVersion
}

// versionPattern finds a release version (4.3, 4.3.0, 10.0.1-rc.1) at the end
// of a label (atlas-4.3.0) or in a title ("Atlas 4.3.0 release notes").
var versionPattern = regexp.MustCompile(`(?:^|[^0-9.])(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?)(?:$|[^0-9A-Za-z.])`)

// articleVersion is the version an article is about: the one its labels name,
// else the one its title names, else "".
func articleVersion(labels []string, title string) string {
	for _, l := range labels {
		if m := versionPattern.FindStringSubmatch(l); m != nil {
			return m[1]
		}
	}
	if m := versionPattern.FindStringSubmatch(title); m != nil {
		return m[1]
	}
	return ""
}

// compareVersions orders versions by their numbers (4.10 after 4.9), a
// pre-release before its release, and "" before every version.
func compareVersions(a, b string) int {
	if a == "" || b == "" {
		return cmp.Compare(a, b)
	}
	ca, preA, _ := strings.Cut(a, "-")
	cb, preB, _ := strings.Cut(b, "-")
	na, nb := strings.Split(ca, "."), strings.Split(cb, ".")
	for i := range max(len(na), len(nb)) {
		var x, y int
		if i < len(na) {
			x, _ = strconv.Atoi(na[i])
		}
		if i < len(nb) {
			y, _ = strconv.Atoi(nb[i])
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	switch {
	case preA == preB:
		return 0
	case preA == "":
		return 1
	case preB == "":
		return -1
	}
	return cmp.Compare(preA, preB)
}

// byVersion groups a section's articles by version, newest first, the
// articles of no version last; within a version, in the order they were
// created.
func byVersion(articles []pageArticle) []pageVersion {
	slices.SortStableFunc(articles, func(a, b pageArticle) int {
		// Newest first; "" sorts below every version, so last.
		return cmp.Or(compareVersions(b.version, a.version), cmp.Compare(a.ID, b.ID))
	})
	var out []pageVersion
	for _, a := range articles {
		if len(out) == 0 || out[len(out)-1].Version != a.version {
			out = append(out, pageVersion{Version: a.version})
		}
		out[len(out)-1].Articles = append(out[len(out)-1].Articles, a)
	}
	return out
}

// serveHelpCenterPage serves /hc/{locale} and /hc/{locale}/articles/{id}.
func (s *Server) serveHelpCenterPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/hc"), "/"), "/")
	locale := parts[0]
	if locale == "" {
		http.Redirect(w, r, "/hc/"+s.state.DefaultLocale, http.StatusFound)
		return
	}
	if !s.state.localeEnabled(locale) {
		http.NotFound(w, r)
		return
	}
	words := wordsFor(locale)
	data := struct {
		Locale, Title string
		Words         pageWords
		Locales       []string
		Sections      []pageSection
		Article       *pageArticle
	}{Locale: locale, Title: words.HelpCenter + " (" + locale + ")", Words: words, Locales: s.state.Locales}
	view := func(a *Article) (pageArticle, bool) {
		t := s.state.translation(a.ID, locale)
		if t == nil || a.Archived {
			return pageArticle{}, false
		}
		//nolint:gosec // the body was sanitised when it was stored, as the help center does
		return pageArticle{ID: a.ID, Title: t.Title, Draft: t.Draft, version: articleVersion(a.LabelNames, t.Title),
			Updated: t.UpdatedAt.UTC().Format("2006-01-02 15:04 UTC"), Body: template.HTML(t.Body)}, true
	}
	switch {
	case len(parts) == 3 && parts[1] == "articles":
		id, _ := strconv.ParseInt(parts[2], 10, 64)
		a, ok := s.state.Articles[id]
		if !ok {
			http.NotFound(w, r)
			return
		}
		pa, ok := view(a)
		if !ok {
			http.NotFound(w, r)
			return
		}
		data.Article, data.Title = &pa, pa.Title
	case len(parts) == 1:
		for _, sec := range s.state.Sections {
			var articles []pageArticle
			for _, a := range s.state.Articles {
				if a.SectionID == sec.ID {
					if pa, ok := view(a); ok {
						articles = append(articles, pa)
					}
				}
			}
			data.Sections = append(data.Sections, pageSection{Name: sec.Name, Versions: byVersion(articles)})
		}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplate.Execute(w, data)
}

// ticketsTemplate lists the tickets, as an agent's view opens.
var ticketsTemplate = template.Must(template.New("tickets").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tickets</title>
` + pageStyle + `</head><body>
<header><a href="/hc/">Help Center</a><a href="/agent/tickets" aria-current="page">Tickets</a></header>
<main><h1>Tickets</h1>
{{if .}}<table><caption class="meta">Newest first</caption>
<thead><tr><th scope="col">Ticket</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">Updated</th></tr></thead>
<tbody>{{range .}}<tr><td><a href="/agent/tickets/{{.ID}}">#{{.ID}}</a></td><td>{{.Subject}}</td><td>{{.Status}}</td><td>{{.UpdatedAt.UTC.Format "2006-01-02 15:04 UTC"}}</td></tr>
{{end}}</tbody></table>{{else}}<p>No tickets yet.</p>{{end}}
</main></body></html>
`))

// ticketTemplate is the sandbox's view of a ticket, as an agent opens it.
var ticketTemplate = template.Must(template.New("ticket").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticket {{.ID}}: {{.Subject}}</title>
` + pageStyle + `<style>.comment{border-top:1px solid #c8ccd0;margin-top:1.5rem;padding-top:1rem}</style></head><body>
<header><a href="/hc/">Help Center</a><a href="/agent/tickets">← All tickets</a></header>
<main><h1>#{{.ID}} {{.Subject}}</h1>
<p class="meta">Status {{.Status}} · external id {{.ExternalID}} · tags {{range $i, $t := .Tags}}{{if $i}}, {{end}}{{$t}}{{end}}</p>
{{range .Comments}}<div class="comment">{{.}}</div>{{end}}
</main></body></html>
`))

// serveTicketPage serves /agent/tickets, the list, and /agent/tickets/{id},
// where ticket URLs point.
func (s *Server) serveTicketPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/agent/tickets"), "/")
	if rest == "" {
		tickets := slices.Clone(s.state.Tickets)
		slices.SortStableFunc(tickets, func(a, b *Ticket) int {
			return cmp.Or(b.UpdatedAt.Compare(a.UpdatedAt), cmp.Compare(b.ID, a.ID))
		})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = ticketsTemplate.Execute(w, tickets)
		return
	}
	id, _ := strconv.ParseInt(rest, 10, 64)
	for _, t := range s.state.Tickets {
		if t.ID != id {
			continue
		}
		data := struct {
			*Ticket
			Comments []template.HTML
		}{Ticket: t}
		for _, c := range t.Comments {
			body := c.HTMLBody
			if body == "" {
				body = "<p>" + template.HTMLEscapeString(c.Body) + "</p>"
			}
			data.Comments = append(data.Comments, template.HTML(sanitize(body))) //nolint:gosec // sanitised as the help center does
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = ticketTemplate.Execute(w, data)
		return
	}
	http.NotFound(w, r)
}
