// Package publish publishes a cut release to its targets, and keeps the
// journal of it. It holds three things, a file group each:
//
//   - the orchestration (release.go, journal.go): Release publishes a cut to
//     every configured target in order — GitHub first, because the ZenDesk
//     upgrade guide links to its downloads — or to one target alone, recording
//     every completed write in the cut's journal (dist/<version>/publish.json),
//     so that a re-run skips what is done and resumes what failed. The command
//     line calls it for `publish <version>` and `publish github` alike.
//   - the GitHub target (github.go): a GitHub release is published only after
//     reading it back shows every file of the cut, complete, with the cut's size
//     and digest: an upload's answer is not trusted on its own.
//   - the ZenDesk target (zendesk.go, plan.go, execute.go, dedupe.go,
//     labels.go, text.go): the release notes and the upgrade guide as Help
//     Center articles, in every locale the workspace translates them into.
//
// Every file and article text comes from the signed cut, opened and checked by
// cut.Open: the articles are the cut's .html documents, byte for byte. The
// workspace's rendering is compared with them, and a difference (a manifest
// edited after the cut) is reported, not published. Only with FromWorkspace
// are articles that no cut holds published as the workspace renders them, and
// the result says so for each. The one change publish makes to a cut's text:
// the release notes link to the upgrade guide beside them in the cut
// (upgrade-guide.de.html), and in the help center that link points at the
// guide's article in the same locale (/hc/de/articles/<id>). The guide is
// therefore written before its notes, within one run; where it has no
// article, the link is dropped to its text and the result says so
// (guidelink.go).
//
// ZenDesk publishing can be re-run any number of times, from any machine:
// articles are found by their labels, not by local state. A run first reads
// what the help center holds (the enabled locales, then one list of the
// managed articles per locale), plans per article and locale — create, update,
// publish, unchanged, or drift when someone edited the article by hand since
// the last publish — and refuses to write anything while there is drift,
// unless forced. Then it writes only what differs: unchanged content costs no
// write at all. New articles are created as drafts and published once every
// translation is in place.
//
// The help center has no idempotency key for creates, and a server may finish
// a create after its client gave up. A create whose outcome is unknown (a
// timeout, a dropped connection, a 5xx) is never retried blindly: the article
// is looked for, with back-off on the client's clock for longer than a
// request's timeout, and made again only if it never shows up. A create that
// lands even later leaves a duplicate that is recognisable without guessing —
// a draft that carries no fingerprint label, since no run finished it — and
// such orphans are archived, by the same run (which looks again once the
// article is written) or the next (which looks at plan time); two articles
// that someone published or a run finished are refused, for a person to
// settle. Each write's outcome is recorded in the result as it completes, so
// that a run that stops says exactly what it did.
package publish
