// Package generate produces the JSON Schemas of package schemas from the Go types
// of package releases, so that the types' doc comments and struct tags are the
// single source of the schemas.
package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/invopop/jsonschema"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/templates"
)

// BaseURL identifies the schemas; it is an identifier, not a place they are fetched from.
const BaseURL = "https://github.com/atlas-release/atlas-release/schemas/"

// Targets maps each schema's name to the Go value it describes and a title.
var Targets = []struct {
	Name, Title string
	Value       any
	// Output marks documents atlas-release writes: every field without
	// omitempty is always present, so it is required. Files people write mark
	// their required fields with jsonschema:"required".
	Output bool
}{
	{"workspace", "atlas-release workspace (atlas-release.yaml)", &releases.Config{}, false},
	{"manifest", "atlas-release release manifest (releases/<version>.yaml)", &releases.Manifest{}, false},
	{"language", "atlas-release language settings (locales/<locale>/language.yaml)", &releases.Language{}, false},
	{"translation", "atlas-release release translation (locales/<locale>/releases/<version>.yaml)", &releases.ReleaseTranslation{}, false},
	{"customers", "atlas-release customer registry (customers.yaml)", &releases.Customers{}, false},
	{"history", "atlas-release rollout history (history/<version>.yaml)", &releases.History{}, false},
	{"runbook", "atlas-release cumulative runbook (runbook.json)", &templates.Runbook{}, true},
	{"notes", "atlas-release release notes (notes --format json)", &templates.Notes{}, true},
}

// All generates every schema, keyed by name. It reads the doc comments of the
// packages whose source folders (as seen from the working directory) are given;
// importBase is the import path of the working directory.
func All(importBase string, sourceDirs ...string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, t := range Targets {
		r := &jsonschema.Reflector{
			RequiredFromJSONSchemaTags: !t.Output,
			ExpandedStruct:             true,
			Mapper:                     mapType,
		}
		for _, dir := range sourceDirs {
			if err := r.AddGoComments(importBase, dir, jsonschema.WithFullComment()); err != nil {
				return nil, fmt.Errorf("read doc comments: %w", err)
			}
		}
		s := r.Reflect(t.Value)
		s.ID = jsonschema.ID(BaseURL + t.Name + ".schema.json")
		s.Title = t.Title
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return nil, err
		}
		out[t.Name] = append(bytes.ReplaceAll(b, []byte(`\u003c`), []byte("<")), '\n')
	}
	return out, nil
}

// mapType describes the types whose YAML form differs from their Go form.
func mapType(t reflect.Type) *jsonschema.Schema {
	if t == reflect.TypeFor[releases.Date]() {
		return &jsonschema.Schema{Type: "string", Format: "date", Pattern: "^20[0-9]{2}-[0-9]{2}-[0-9]{2}$", Description: "A calendar day, YYYY-MM-DD, between 2000-01-01 and 2099-12-31."}
	}
	return nil
}
