package zendesk

import "encoding/json"

// jsonRaw is a JSON value decoded later; absent decodes as nothing.
type jsonRaw json.RawMessage

func (r *jsonRaw) UnmarshalJSON(b []byte) error {
	*r = append((*r)[:0], b...)
	return nil
}

func (r jsonRaw) decode(v any) error {
	if len(r) == 0 || string(r) == "null" {
		return nil
	}
	return json.Unmarshal(r, v)
}
