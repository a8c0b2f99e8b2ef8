package preview

import (
	"html/template"
	"sync"
)

// frameTemplate is every page of the preview. Its script listens to /events
// and, on a new generation, fetches the page again and swaps its content in
// place: no reload, so the scroll position and the reader's place stay.
var frameTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("frame").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Product}} preview</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #24292f; color: #fff; padding: .5rem 1rem; display: flex; gap: 1rem; align-items: baseline; }
header a { color: #fff; }
main { max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }
.problems li { font-family: ui-monospace, monospace; margin: .25rem 0; }
.error { color: #b42318; } .warning { color: #9a6700; }
.status-released { color: #1a7f37; } .status-overdue { color: #b42318; }
.hc { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 2rem 3rem; }
.hc h1 { font-size: 2rem; margin-top: 0; }
iframe { width: 100%; height: 80vh; border: 1px solid #d0d7de; background: #fff; }
pre { background: #fff; border: 1px solid #d0d7de; padding: 1rem; overflow: auto; }
</style>
</head>
<body>
<header><strong>{{.Product}} preview</strong>{{range .Nav}} <a href="{{.Href}}">{{.Text}}</a>{{end}}</header>
<main id="content" data-generation="{{.Gen}}">
<h1 id="page-title">{{.Title}}</h1>
{{if .Err}}<p class="error" id="load-error">{{.Err}}</p>{{end}}
{{if .Problems}}<p>The workspace does not validate; this page shows again after the next good save.</p>
<ul class="problems" id="problems">{{range .Problems}}
<li class="{{.Severity}}"><a href="{{.Editor}}">{{.Place}}</a>: {{.Severity}} {{.Code}}: {{.Message}}</li>{{end}}
</ul>{{end}}
{{.Body}}
</main>
<script>
(function () {
  let shown = document.getElementById("content").dataset.generation;
  async function refresh(gen) {
    if (gen === shown) return;
    const res = await fetch(location.href, {cache: "no-store"});
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    const next = doc.getElementById("content");
    if (!next) return;
    shown = next.dataset.generation;
    document.getElementById("content").replaceWith(document.adoptNode(next));
    document.title = doc.title;
    window.dispatchEvent(new CustomEvent("preview:refreshed", {detail: shown}));
  }
  const events = new EventSource("/events");
  events.addEventListener("generation", (e) => { refresh(e.data); });
})();
</script>
</body>
</html>
`))
})

var homeTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("home").Parse(`<h2>Problems</h2>
{{if .Problems}}<ul class="problems" id="problems">{{range .Problems}}
<li class="{{.Severity}}"><a href="{{.Editor}}">{{.Place}}</a>{{if .Page}} (<a href="{{.Page}}">release</a>){{end}}: {{.Severity}} {{.Code}}: {{.Message}}</li>{{end}}
</ul>{{else}}<p id="no-problems">{{.Files}} manifests and atlas-release.yaml validate with no problems.</p>{{end}}
<h2>Releases by quarter</h2>
{{range .Quarters}}<h3>{{.Name}}</h3>
{{if .Releases}}<ul>{{range .Releases}}
<li id="release-{{.Version}}"><strong>{{.Version}}</strong> {{.Kind}}, {{.Date}}, <span class="status-{{.Status}}">{{.Status}}</span>{{if ne .Status "due"}}{{if ne .Status "overdue"}}{{$v := .Version}}:
{{range .Locales}} <a href="/release/{{$v}}/{{.}}/release-notes">notes ({{.}})</a> · <a href="/release/{{$v}}/{{.}}/upgrade-guide">upgrade guide ({{.}})</a>{{end}}{{end}}{{end}}</li>{{end}}
</ul>{{else}}<p>No release.</p>{{end}}
{{end}}`))
})

// articleTemplate frames a document as a help-center article.
var articleTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("article").Parse(`<article class="hc">
<h1 id="article-title">{{.Title}}</h1>
<div id="article-body">{{.Body}}</div>
</article>`))
})

var runbookTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("runbook").Parse(`<form method="get" action="/runbook">
<label>From <select name="from">{{range .Versions}}<option{{if eq . $.From}} selected{{end}}>{{.}}</option>{{end}}</select></label>
<label>to <select name="to">{{range .Versions}}<option{{if eq . $.To}} selected{{end}}>{{.}}</option>{{end}}</select></label>
<button>Show</button>
</form>
{{if .Err}}<p class="error">{{.Err}}</p>{{else}}
<p>The runbook.html of the bundle, byte for byte:</p>
<iframe id="runbook" title="Runbook" src="/runbook.html?from={{.From}}&amp;to={{.To}}"></iframe>
<h2>Plan</h2>
<pre id="plan" tabindex="0">{{.Plan}}</pre>{{end}}`))
})

var preTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("pre").Parse(`<pre tabindex="0">{{.}}</pre>`))
})
