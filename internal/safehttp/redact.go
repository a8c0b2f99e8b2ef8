package safehttp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Redacted replaces a secret in text.
const Redacted = "[redacted]"

// MinSecretLength is the length below which a secret is not looked for: a
// shorter string is no credential, and hiding it would garble messages.
const MinSecretLength = 4

// minFragment is the shortest base64 fragment looked for: longer than the
// marker, so that no fragment can be found inside one.
const minFragment = len(Redacted) + 1

// Redactor removes secrets from text that came from a server — an error
// message, a body, a header, a URL — in every form a server might echo them
// in: verbatim; URL-encoded (query or path escaping, any hex case, every byte
// escaped); base64 (standard or URL alphabet, padded or raw, and inside a longer
// base64 text such as the "user:password" of basic authentication); JSON-
// escaped; HTML-escaped.
type Redactor struct {
	secrets []string
	forms   []string
}

// NewRedactor returns a redactor of the secrets (shorter ones are ignored, and
// so are duplicates).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) < MinSecretLength || slices.Contains(r.secrets, s) {
			continue
		}
		r.secrets = append(r.secrets, s)
		for _, f := range encodings(s) {
			if !slices.Contains(r.forms, f) {
				r.forms = append(r.forms, f)
			}
		}
	}
	return r
}

// Redact returns s without the secrets. When a secret would still be readable
// after its known forms are replaced (an encoding mixing cases or escapes), the
// whole text is replaced: losing a message is better than leaking a token.
func (r *Redactor) Redact(s string) string {
	if r == nil || len(r.forms) == 0 {
		return s
	}
	// Replacing can join text into a new match across a marker: repeat until
	// nothing is found, a few times at most.
	for range 4 {
		out, found := r.replace(s)
		if !found {
			if r.readable(out) {
				return Redacted
			}
			return out
		}
		s = out
	}
	return Redacted
}

// replace replaces every occurrence of every form, overlapping ones merged.
func (r *Redactor) replace(s string) (string, bool) {
	type span struct{ from, to int }
	var spans []span
	for _, f := range r.forms {
		for i := 0; i+len(f) <= len(s); {
			j := strings.Index(s[i:], f)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(f)})
			i += j + 1
		}
	}
	if len(spans) == 0 {
		return s, false
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	var b strings.Builder
	at := 0
	for i := 0; i < len(spans); {
		from, to := spans[i].from, spans[i].to
		for i++; i < len(spans) && spans[i].from <= to; i++ {
			to = max(to, spans[i].to)
		}
		b.WriteString(s[at:from])
		b.WriteString(Redacted)
		at = to
	}
	b.WriteString(s[at:])
	return b.String(), true
}

// readable reports whether a secret can still be read from s once its escapes
// are undone: the net under the forms.
func (r *Redactor) readable(s string) bool {
	decoded := []string{percentDecode(s, false), percentDecode(s, true), jsonUnescape(s), html.UnescapeString(s)}
	for _, secret := range r.secrets {
		for _, d := range decoded {
			if strings.Contains(d, secret) {
				return true
			}
		}
	}
	return false
}

// RedactError returns err, or, when its text holds a secret, an error with the
// redacted text (the original is dropped: wrapping it would keep the secret
// reachable).
func (r *Redactor) RedactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := r.Redact(msg); red != msg {
		return &redactedError{red}
	}
	return err
}

type redactedError struct{ msg string }

func (e *redactedError) Error() string { return e.msg }

// encodings lists the forms of a secret a server might echo.
func encodings(s string) []string {
	forms := []string{s, html.EscapeString(s)}
	// URL-encoded, as a query or a path would carry it, and every byte
	// escaped; hex digits in either case.
	var every strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&every, "%%%02X", s[i])
	}
	for _, f := range []string{url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20"), every.String()} {
		forms = append(forms, f, lowerHexEscapes(f))
	}
	// base64, whole and as the fixed part of a longer text at each of the
	// three alignments (basic authentication encodes "user:" + secret); and
	// those URL-encoded, as a query would carry them.
	var b64 []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		b64 = append(b64, enc.EncodeToString([]byte(s)))
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for pad := range 3 {
			// The characters that depend on the secret's bits alone.
			b := enc.EncodeToString(append(bytes.Repeat([]byte{0}, pad), s...))
			from, to := (4*pad+2)/3, 4*(pad+len(s))/3
			if to-from >= minFragment {
				b64 = append(b64, b[from:to])
			}
		}
	}
	for _, f := range b64 {
		forms = append(forms, f)
		if q := url.QueryEscape(f); q != f {
			forms = append(forms, q, lowerHexEscapes(q))
		}
	}
	// JSON string escapes: encoding/json's (with and without HTML escaping),
	// "\/" for "/", and every character as \uXXXX.
	quoted, _ := json.Marshal(s)
	forms = append(forms, string(quoted[1:len(quoted)-1]))
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	unquoted := strings.TrimSuffix(strings.TrimSpace(plain.String()), `"`)[1:]
	forms = append(forms, unquoted, strings.ReplaceAll(unquoted, "/", `\/`))
	var u strings.Builder
	for _, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&u, `\u%04X\u%04X`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&u, `\u%04X`, r)
	}
	if u.Len() > 0 {
		forms = append(forms, u.String(), strings.ToLower(u.String()))
	}
	var out []string
	for _, f := range forms {
		if len(f) >= MinSecretLength && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// lowerHexEscapes writes the hex digits of %XX escapes in lower case.
func lowerHexEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// percentDecode undoes %XX escapes (any case) and, for a query, '+'; it
// leaves malformed escapes as they are.
func percentDecode(s string, query bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			n, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
		case s[i] == '+' && query:
			b.WriteByte(' ')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// jsonUnescape undoes JSON string escapes (any case), leaving malformed ones.
func jsonUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch c := s[i+1]; c {
		case '"', '\\', '/':
			b.WriteByte(c)
			i++
		case 'b', 'f', 'n', 'r', 't':
			b.WriteByte(map[byte]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}[c])
			i++
		case 'u':
			r, n := jsonRune(s[i:])
			if n == 0 {
				b.WriteByte(s[i])
				continue
			}
			b.WriteRune(r)
			i += n - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// jsonRune reads \uXXXX, or a surrogate pair of them, at the start of s; n is
// the bytes read, 0 when there is no escape.
func jsonRune(s string) (rune, int) {
	hex4 := func(s string) (rune, bool) {
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(s[2:6], 16, 16)
		return rune(n), err == nil
	}
	r, ok := hex4(s)
	if !ok {
		return 0, 0
	}
	if 0xD800 <= r && r < 0xDC00 {
		if lo, ok := hex4(s[6:]); ok && 0xDC00 <= lo && lo < 0xE000 {
			return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), 12
		}
	}
	return r, 6
}
