// Package publish publishes the release notes and the upgrade guide of releases
// as ZenDesk Help Center articles, in every locale the workspace translates them
// into.
//
// Publishing can be re-run any number of times, from any machine: articles are
// found by their labels, not by local state. A run first reads what the help
// center holds (the enabled locales, then one list of the managed articles per
// locale), plans per article and locale — create, update, publish, unchanged, or
// drift when someone edited the article by hand since the last publish — and
// refuses to write anything while there is drift, unless forced. Then it writes
// only what differs: unchanged content costs no write at all. New articles are
// created as drafts and published once every translation is in place. A create
// whose outcome is unknown (a timeout, a dropped connection) is followed by a
// fresh look-up, never by a blind retry, so no run creates a duplicate.
package publish
