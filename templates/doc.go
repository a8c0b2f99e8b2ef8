// Package templates renders documents from the release model: cumulative
// runbooks (Markdown, a self-contained HTML page, JSON), release notes (Markdown,
// and a ZenDesk-safe HTML fragment) and their like.
//
// Each document has a view-model (Runbook, Notes) built from the model; the JSON
// form is the view-model itself, and the Markdown and HTML forms are templates
// over it. The templates are embedded, and a workspace may override any of them
// with a file of the same name in its templates/ folder. Markdown written in
// manifests goes through goldmark in safe mode: raw HTML never reaches output.
package templates
