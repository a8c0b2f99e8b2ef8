package zendesktest

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// pageTemplate is the sandbox's plain view of the help center: the articles of a
// locale, and one article as customers would read it (its body is the stored,
// sanitised HTML).
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Locale}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
a{color:#0b57d0}.draft{background:#fff4ce;border-radius:4px;padding:0 .4em;font-size:.8em}
table{border-collapse:collapse}td,th{border:1px solid #c8ccd0;padding:.3em .5em}.meta{color:#5f6368;font-size:.9em}
nav a{margin-right:1em}</style></head><body>
<nav>{{range .Locales}}<a href="/hc/{{.}}">{{.}}</a>{{end}}</nav>
{{if .Article}}<p><a href="/hc/{{.Locale}}">← all articles</a></p>
<h1>{{.Article.Title}}{{if .Article.Draft}} <span class="draft">draft</span>{{end}}</h1>
<p class="meta">Article {{.Article.ID}} · labels: {{range $i, $l := .Article.Labels}}{{if $i}}, {{end}}{{$l}}{{end}} · updated {{.Article.Updated}}</p>
<article>{{.Article.Body}}</article>
{{else}}<h1>{{.Title}}</h1>
{{range .Sections}}<h2>{{.Name}}</h2><ul>
{{range .Articles}}<li><a href="/hc/{{$.Locale}}/articles/{{.ID}}">{{.Title}}</a>{{if .Draft}} <span class="draft">draft</span>{{end}}</li>
{{else}}<li>No articles in this locale yet.</li>{{end}}</ul>{{end}}
{{end}}</body></html>
`))

type pageArticle struct {
	ID      int64
	Title   string
	Draft   bool
	Labels  []string
	Updated string
	// Body is the stored body: the emulator sanitised it when it was written,
	// as the help center does.
	Body template.HTML
}

type pageSection struct {
	Name     string
	Articles []pageArticle
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
	data := struct {
		Locale, Title string
		Locales       []string
		Sections      []pageSection
		Article       *pageArticle
	}{Locale: locale, Title: "Help Center (" + locale + ")", Locales: s.state.Locales}
	view := func(a *Article) (pageArticle, bool) {
		t := s.state.translation(a.ID, locale)
		if t == nil || a.Archived {
			return pageArticle{}, false
		}
		//nolint:gosec // the body was sanitised when it was stored, as the help center does
		return pageArticle{ID: a.ID, Title: t.Title, Draft: t.Draft, Labels: a.LabelNames,
			Updated: t.UpdatedAt.UTC().Format("2006-01-02 15:04:05 UTC"), Body: template.HTML(t.Body)}, true
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
		ids := make([]int64, 0, len(s.state.Articles))
		for id := range s.state.Articles {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, sec := range s.state.Sections {
			ps := pageSection{Name: sec.Name}
			for _, id := range ids {
				if a := s.state.Articles[id]; a.SectionID == sec.ID {
					if pa, ok := view(a); ok {
						ps.Articles = append(ps.Articles, pa)
					}
				}
			}
			data.Sections = append(data.Sections, ps)
		}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTemplate.Execute(w, data)
}

// ticketTemplate is the sandbox's view of a ticket, as an agent opens it.
var ticketTemplate = template.Must(template.New("ticket").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ticket {{.ID}}: {{.Subject}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
.meta{color:#5f6368;font-size:.9em}.comment{border-top:1px solid #c8ccd0;margin-top:1.5rem;padding-top:1rem}
table{border-collapse:collapse}td,th{border:1px solid #c8ccd0;padding:.3em .5em}</style></head><body>
<h1>#{{.ID}} {{.Subject}}</h1>
<p class="meta">Status {{.Status}} · external id {{.ExternalID}} · tags {{range $i, $t := .Tags}}{{if $i}}, {{end}}{{$t}}{{end}}</p>
{{range .Comments}}<div class="comment">{{.}}</div>{{end}}
</body></html>
`))

// serveTicketPage serves /agent/tickets/{id}, where ticket URLs point.
func (s *Server) serveTicketPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/agent/tickets/"), 10, 64)
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
