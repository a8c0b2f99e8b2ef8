// Package zendesk is a client of the ZenDesk Help Center API: locales, sections,
// permission groups, user segments, articles, translations and attachments.
//
// It is written for the API's sharp edges. An article PUT changes metadata only, so
// titles, bodies and the draft flag are written through translations. Article
// creation has no idempotency key, so a create whose outcome is unknown (a
// timeout, a dropped connection, a 5xx) is never retried: it fails with an error of
// kind Ambiguous and the caller looks again before creating. Safe requests are
// retried a capped number of times, after Retry-After when the server gives one;
// 429s are retried for every method because ZenDesk refuses them before doing
// anything. A limiter follows X-Rate-Limit-Remaining so that a burst does not turn
// into a storm of 429s. Credentials are sent only to the configured host, over
// HTTPS (plain HTTP only to a loopback address, for the emulator), never across a
// redirect, and never appear in errors.
//
// The package is a leaf: it imports nothing else from this module.
package zendesk
