package zendesk

import (
	"strings"
	"testing"
	"unicode"
)

func TestParseErrorBodyEnvelopes(t *testing.T) {
	cases := []struct {
		name, body string
		code, msg  string
		fields     []string
	}{
		{"record invalid", `{"error":"RecordInvalid","description":"Record validation errors","details":{"permission_group_id":[{"description":"Permission group is required","error":"BlankValue"}]}}`,
			"RecordInvalid", "Record validation errors", []string{"permission_group_id: Permission group is required"}},
		{"titled", `{"error":{"title":"Invalid attribute","message":"You passed an invalid value"}}`, "Invalid attribute", "You passed an invalid value", nil},
		{"errors by field", `{"errors":{"locale":["is not enabled"],"title":"blank"}}`, "", "", []string{"locale: is not enabled", "title: blank"}},
		{"errors list", `{"errors":[{"code":"InvalidMedia","title":"File is too large","status":"400"}]}`, "InvalidMedia", "File is too large", nil},
		{"errors list with pointer", `{"errors":[{"code":"Blank","title":"Name is blank","status":"422","source":{"pointer":"/name"}}]}`, "Blank", "", []string{"/name: Name is blank"}},
		{"auth", `{"error":"Couldn't authenticate you"}`, "Couldn't authenticate you", "", nil},
		{"oauth", `{"error":"invalid_token","error_description":"The access token provided is expired"}`, "invalid_token", "The access token provided is expired", nil},
		{"not found", `{"error":"RecordNotFound","description":"Not found"}`, "RecordNotFound", "Not found", nil},
		{"plain text", "Rate limit for help center exceeded, please retry in 60 seconds.\n", "", "Rate limit for help center exceeded, please retry in 60 seconds.", nil},
		{"html", "<html><body><h1>502 Bad Gateway</h1></body></html>", "", "502 Bad Gateway", nil},
		{"empty", "", "", "", nil},
		{"unexpected JSON", `{"something":"else"}`, "", `{"something":"else"}`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var e Error
			parseErrorBody(&e, []byte(c.body))
			if e.Code != c.code || e.Message != c.msg {
				t.Errorf("code %q message %q, want %q %q", e.Code, e.Message, c.code, c.msg)
			}
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field+": "+f.Message)
			}
			if strings.Join(fields, "|") != strings.Join(c.fields, "|") {
				t.Errorf("fields %q, want %q", fields, c.fields)
			}
		})
	}
}

// FuzzParseErrorBody feeds hostile error bodies: parsing must not panic, and
// what it keeps must be short and free of control characters.
func FuzzParseErrorBody(f *testing.F) {
	for _, seed := range []string{
		`{"error":"RecordInvalid","description":"x","details":{"a":[{"description":"d","error":"e"}]}}`,
		`{"error":{"title":"t","message":"m"}}`, `{"errors":{"f":["x"]}}`, `{"errors":[{"code":"c","title":"t"}]}`,
		`{"error":"invalid_token","error_description":"d"}`, "plain\x1b[31m", `{"details":{"a":"b"}}`, `{"errors":[1,2]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var e Error
		parseErrorBody(&e, body)
		msg := e.Error()
		for _, r := range msg {
			if unicode.IsControl(r) {
				t.Fatalf("control character in %q", msg)
			}
		}
		if len(e.Fields) > 20 || len([]rune(e.Message)) > 301 || len([]rune(e.Code)) > 81 {
			t.Fatalf("unbounded error: %d fields, message %d runes", len(e.Fields), len(e.Message))
		}
	})
}
