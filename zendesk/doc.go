// Package zendesk is a client of the two ZenDesk APIs that publishing and
// upgrades use: the Help Center's (locales, sections, permission groups, user
// segments, articles, their translations and attachments) and Support's
// (change tickets: create with an idempotency key, find by external id,
// update and comment; agents looked up by email). Credentials are an OAuth
// token, OAuth client credentials (renewed as they expire) or a deprecated
// API token.
//
// It is written for the APIs' sharp edges. An article PUT changes metadata only,
// so titles, bodies and the draft flag are written through translations.
// Article and translation creation have no idempotency key, so a create whose
// outcome is unknown (a timeout, a dropped connection, a 5xx) is never retried:
// it fails with an error of kind Ambiguous and the caller looks again before
// creating. A ticket create carries an idempotency key, so it is retried like a
// read (keys expire: tickets are found again by external id). Safe requests are retried a capped number of times, after
// Retry-After when the server gives one; 429s are retried for every method
// because ZenDesk refuses them before doing anything. A limiter follows
// X-Rate-Limit-Remaining so that a burst does not turn into a storm of 429s.
// Credentials are sent only to the configured host, over HTTPS (plain HTTP only
// to a loopback address, for the emulator in zendesktest), never across a
// redirect, and never appear in errors.
//
// The package is a leaf: of this module it imports only internal leaves —
// safehttp (where requests and credentials may go, redaction) and retry
// (error kinds, backoff, Retry-After, the wait), shared with ghrelease.
package zendesk
