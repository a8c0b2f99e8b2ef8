package templates

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestWriteJSONMatchesMarshalIndent checks the fast indenter against encoding/json
// on values with every kind of JSON token, tricky strings included.
func TestWriteJSONMatchesMarshalIndent(t *testing.T) {
	values := []any{
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "two", nil, true, 3.5}, "d": map[string]any{"e": []int{1}}},
		[]string{`quote " and backslash \ and braces {}[],:`, "<html> & unicode ünï ✓", "\u2028 \t \n"},
		struct {
			X []struct{ Y string }
			Z *int
		}{X: []struct{ Y string }{{"{"}, {"]"}}},
		"plain", 42, []any{[]any{[]any{}}},
	}
	for _, v := range values {
		var got bytes.Buffer
		if err := WriteJSON(&got, v); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
		}
	}
}
