package zendesk

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/atlas-release/atlas-release/internal/retry"
)

// Kind classifies an API failure by what the caller can do about it: the kinds
// of internal/retry, shared with the GitHub client. Here KindAuth means the
// credentials were refused (401): fix them; KindPermission that they may not
// do this (403); KindNotFound that the resource does not exist or is not
// visible (404); KindInvalid that the request was refused as invalid (400,
// 409, 413, 422); KindRateLimited that the rate limit was still exceeded after
// the allowed retries (429); KindTransient a server error or a network failure
// on a request that is safe to repeat, after the allowed retries; and
// KindAmbiguous that a request that is not safe to repeat (a create) failed in
// a way that does not say whether the server carried it out: look before
// trying again.
type Kind = retry.Kind

// The kinds of failure, re-exported so that callers need not know
// internal/retry: see Kind.
const (
	KindOther       = retry.KindOther
	KindAuth        = retry.KindAuth
	KindPermission  = retry.KindPermission
	KindNotFound    = retry.KindNotFound
	KindInvalid     = retry.KindInvalid
	KindRateLimited = retry.KindRateLimited
	KindTransient   = retry.KindTransient
	KindAmbiguous   = retry.KindAmbiguous
)

// FieldError is one field's validation error from a 4xx response.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// Error is a failed API call.
type Error struct {
	Kind   Kind
	Method string
	// Path is the request's path, without the query.
	Path string
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// Code is the API's error code, e.g. "RecordInvalid" or "invalid_token".
	Code string
	// Message is the API's explanation, or the plain-text body.
	Message string
	// Fields are the validation errors of individual fields, sorted.
	Fields []FieldError
	// RetryAfter is what the server asked to wait, when it said.
	RetryAfter time.Duration
	// Err is the underlying network error, if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "zendesk: %s %s: ", e.Method, e.Path)
	switch {
	case e.Status == 0 && e.Kind == KindAmbiguous:
		b.WriteString("no answer, so it is unknown whether the request was carried out")
	case e.Status == 0:
		b.WriteString("no answer")
	default:
		fmt.Fprintf(&b, "%d", e.Status)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.Field + ": " + f.Message)
		if i == len(e.Fields)-1 {
			b.WriteString(")")
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of an error returned by the client; KindOther for
// errors that are not API errors.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// parseErrorBody reads every error envelope the API is known to use:
//
//	{"error":"RecordInvalid","description":…,"details":{field:[{description,error}]}}
//	{"error":{"title":…,"message":…}}
//	{"errors":{field:[…]}}
//	{"errors":[{code,title,status,detail}]}
//	{"error":"Couldn't authenticate you"}
//	{"error":"invalid_token","error_description":…}
//	{"error":"RecordNotFound","description":"Not found"}
//
// and plain text (or HTML from a proxy), of which it keeps a short first line.
func parseErrorBody(e *Error, body []byte) {
	var env struct {
		Error            json.RawMessage `json:"error"`
		Description      any             `json:"description"`
		ErrorDescription string          `json:"error_description"`
		Details          json.RawMessage `json:"details"`
		Errors           json.RawMessage `json:"errors"`
	}
	if json.Unmarshal(body, &env) != nil {
		e.Message = firstLine(string(body))
		return
	}
	var code string
	var titled struct{ Title, Message string }
	switch {
	case json.Unmarshal(env.Error, &code) == nil:
		e.Code = clean(code, 80)
	case json.Unmarshal(env.Error, &titled) == nil && (titled.Title != "" || titled.Message != ""):
		e.Code = clean(titled.Title, 80)
		e.Message = clean(titled.Message, 300)
	}
	if s, ok := env.Description.(string); ok && e.Message == "" {
		e.Message = clean(s, 300)
	}
	if env.ErrorDescription != "" && e.Message == "" {
		e.Message = clean(env.ErrorDescription, 300)
	}
	e.Fields = append(e.Fields, fieldErrors(env.Details)...)
	e.Fields = append(e.Fields, fieldErrors(env.Errors)...)
	var list []struct {
		Code   string `json:"code"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Status any    `json:"status"`
		Source struct {
			Pointer string `json:"pointer"`
		} `json:"source"`
	}
	if json.Unmarshal(env.Errors, &list) == nil {
		for _, item := range list {
			msg := cmp.Or(item.Detail, item.Title)
			if e.Code == "" {
				e.Code = clean(item.Code, 80)
			}
			if item.Source.Pointer != "" {
				e.Fields = append(e.Fields, FieldError{Field: clean(item.Source.Pointer, 80), Code: clean(item.Code, 80), Message: clean(msg, 300)})
			} else if e.Message == "" {
				e.Message = clean(msg, 300)
			}
		}
	}
	if e.Code == "" && e.Message == "" && len(e.Fields) == 0 {
		e.Message = firstLine(string(body))
	}
	slices.SortFunc(e.Fields, func(a, b FieldError) int { return strings.Compare(a.Field+a.Message, b.Field+b.Message) })
	if len(e.Fields) > 20 {
		e.Fields = e.Fields[:20]
	}
}

// fieldErrors reads {field: [{description, error}] | [string] | string}.
func fieldErrors(raw json.RawMessage) []FieldError {
	var byField map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &byField) != nil {
		return nil
	}
	var out []FieldError
	for field, v := range byField {
		var items []json.RawMessage
		if json.Unmarshal(v, &items) != nil {
			items = []json.RawMessage{v}
		}
		for _, item := range items {
			var s string
			var obj struct{ Description, Error, Message string }
			switch {
			case json.Unmarshal(item, &s) == nil:
				out = append(out, FieldError{Field: clean(field, 80), Message: clean(s, 300)})
			case json.Unmarshal(item, &obj) == nil:
				out = append(out, FieldError{Field: clean(field, 80), Code: clean(obj.Error, 80), Message: clean(cmp.Or(obj.Description, obj.Message), 300)})
			}
		}
	}
	return out
}

// firstLine keeps the first line of a text body, without markup, short.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<") {
		// An HTML page from a proxy: its text, not its markup.
		var b strings.Builder
		in := false
		for _, r := range s {
			switch {
			case r == '<':
				in = true
			case r == '>':
				in = false
				b.WriteByte(' ')
			case !in:
				b.WriteRune(r)
			}
		}
		s = strings.Join(strings.Fields(b.String()), " ")
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return clean(s, 200)
}

// clean makes server-provided text safe to print: no control characters (a
// hostile server must not drive the terminal), and at most max runes.
func clean(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			r = ' '
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
