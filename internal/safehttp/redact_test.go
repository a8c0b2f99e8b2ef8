package safehttp

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestRedactsEveryForm: each encoding a server might echo a secret in is
// removed, and the text around it kept.
func TestRedactsEveryForm(t *testing.T) {
	const token = "ghp_Ab+/c=d&e<f>\"g\\h%i é 0123456789"
	const email = "ops@example.com"
	basic := email + "/token:" + token
	r := NewRedactor(token, basic)
	every := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			b.WriteString("%" + strings.ToLower(string("0123456789ABCDEF"[s[i]>>4])+string("0123456789ABCDEF"[s[i]&15])))
		}
		return b.String()
	}
	jsonOf := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
	forms := map[string]string{
		"verbatim":                   token,
		"query-escaped":              url.QueryEscape(token),
		"path-escaped":               url.PathEscape(token),
		"query-escaped, lower hex":   lowerHexEscapes(url.QueryEscape(token)),
		"every byte escaped":         every(token),
		"base64":                     base64.StdEncoding.EncodeToString([]byte(token)),
		"base64, URL alphabet":       base64.URLEncoding.EncodeToString([]byte(token)),
		"base64, raw":                base64.RawStdEncoding.EncodeToString([]byte(token)),
		"base64, raw URL":            base64.RawURLEncoding.EncodeToString([]byte(token)),
		"basic auth of the API user": "Basic " + base64.StdEncoding.EncodeToString([]byte(basic)),
		"basic auth of another user": "Basic " + base64.StdEncoding.EncodeToString([]byte("x:"+token)),
		"basic auth, query-escaped":  url.QueryEscape(base64.StdEncoding.EncodeToString([]byte("ab:" + token))),
		"JSON-escaped":               jsonOf(token),
		"JSON, slashes escaped":      strings.ReplaceAll(jsonOf(token), "/", `\/`),
		"JSON, every rune \\u":       `\u0067\u0068\u0070\u005F` + jsonOf(token)[4:],
		"JSON, mixed-case \\u":       `\u0067\u0068\u0070\u005f` + jsonOf(token)[4:],
		"HTML-escaped":               strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(token),
		"percent, mixed case":        strings.Replace(url.QueryEscape(token), "%2B", "%2b", 1),
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			got := r.Redact("before " + form + " after")
			if got != Redacted && (!strings.HasPrefix(got, "before ") || !strings.HasSuffix(got, " after")) {
				t.Errorf("the text around the secret is lost: %q", got)
			}
			for _, f := range encodings(token) {
				if strings.Contains(got, f) {
					t.Errorf("%q survives in %q", f, got)
				}
			}
			if strings.Contains(got, "0123456789") && !strings.Contains(form, "Basic") {
				t.Errorf("part of the secret survives: %q", got)
			}
		})
	}
	if got := r.Redact("nothing secret here"); got != "nothing secret here" {
		t.Errorf("changed %q", got)
	}
	if got := NewRedactor("abc").Redact("abc"); got != "abc" {
		t.Errorf("a secret shorter than %d: %q", MinSecretLength, got)
	}
}

// FuzzRedact: whatever the secret and the text around it, none of the
// secret's encodings survives, nor the secret after undoing escapes.
func FuzzRedact(f *testing.F) {
	f.Add("ghp_secret_token_0123456789", "error: ", " was refused", 0)
	f.Add("p@ss/w+rd=&?", `{"message":"`, `"}`, 3)
	f.Add("tok", "", "", 0)
	f.Add("dact", "[re", "ed]", 0)
	f.Add("x[re", "x", "", 0)
	f.Add("ünïcödé🔑key", "%", "\\", 20)
	f.Add("aaaaaaaaaaaa", "aaaa", "aaaa", 5)
	f.Fuzz(func(t *testing.T, secret, before, after string, which int) {
		// Real secrets are short; a long repetitive one costs time in
		// proportion to its length times the text's.
		if len(secret) < MinSecretLength || len(secret) > 256 || len(before)+len(after) > 1<<12 {
			return
		}
		forms := encodings(secret)
		r := NewRedactor(secret)
		got := r.Redact(before + forms[(which%len(forms)+len(forms))%len(forms)] + after)
		for _, form := range forms {
			// A secret that is part of the marker cannot be hidden by it.
			if strings.Contains(got, form) && !strings.Contains(Redacted, form) {
				t.Fatalf("%q survives in %q", form, got)
			}
		}
		if !strings.Contains(Redacted, secret) && r.readable(got) {
			t.Fatalf("the secret can be read from %q", got)
		}
	})
}
