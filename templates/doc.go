// Package templates renders the documents of a release from the model.
//
// Built-in templates, embedded from defaults/ and all text/template over a
// view-model built from the model:
//
//   - notes.md.tmpl: a release's notes (Notes);
//   - upgrade-guide.md.tmpl: how to upgrade to a release, with its bundles'
//     download links and how to verify them (Guide);
//   - VERIFY.txt.tmpl: the VERIFY.txt inside a runbook bundle (VerifyDoc);
//   - change-request.md.tmpl, announcement-before.md.tmpl,
//     announcement-start.md.tmpl, announcement-end.md.tmpl and
//     engagement.md.tmpl: an upgrade's change request, announcements to users
//     and engagement message (Communications, Engagement).
//
// The notes and the guide also come as an HTML fragment — their Markdown
// converted by goldmark, so that both forms always say the same, safe for a
// help center article (NotesArticle, GuideArticle) — and as JSON, the
// view-model itself. Cumulative runbooks are written by code rather than
// templates, as Markdown, as a self-contained HTML page (assets/runbook.css
// and runbook.js inlined, no network access) and as JSON; an upgrade's
// maintenance windows also as an iCalendar file.
//
// A workspace overrides a built-in template with a file of the same name in
// its templates/ folder (and brands the runbook page with templates/runbook.css);
// a locale other than the default brings its own in locales/<locale>/templates/
// (the notes and the guide at least; the built-in ones are English). Markdown written in manifests goes through
// goldmark in safe mode: raw HTML never reaches the output.
package templates
