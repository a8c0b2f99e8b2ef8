package schemas

import (
	"encoding/json"
	"fmt"

	"github.com/invopop/jsonschema"

	"github.com/atlas-release/atlas-release/releases"
)

// Choice is one id a workspace defines, with the name an editor shows beside it.
type Choice struct {
	ID   string
	Name string
}

// IDs are the ids a workspace defines, which its files refer to. Each list is
// in the workspace's own order.
type IDs struct {
	Roles      []Choice // the roles catalogue of atlas-release.yaml
	Features   []Choice // the features catalogue of atlas-release.yaml
	Operations []Choice // the privileged operations steps may grant
	Steps      []Choice // every step id of every release, with its latest title
	Outages    []Choice // every outage id of every release, with its feature
	Versions   []Choice // the releases, with their summaries
	Locales    []Choice // the published locales
}

// WorkspaceIDs collects the ids of a loaded workspace. A workspace whose
// atlas-release.yaml did not load has no catalogues: its lists stay empty and
// the schema keeps plain strings there.
func WorkspaceIDs(ws *releases.Workspace) IDs {
	var ids IDs
	for _, op := range releases.Privileges().Operations {
		ids.Operations = append(ids.Operations, Choice{op.ID, op.Description})
	}
	if ws.Config != nil {
		for _, r := range ws.Config.Roles {
			ids.Roles = append(ids.Roles, Choice{r.ID, r.Name})
		}
		for _, f := range ws.Config.Features {
			ids.Features = append(ids.Features, Choice{f.ID, f.Name})
		}
		locales := ws.Config.Locales
		if len(locales) == 0 {
			locales = []string{ws.Config.DefaultLocale()}
		}
		for _, l := range locales {
			ids.Locales = append(ids.Locales, Choice{l, l})
		}
	}
	steps := map[string]int{}
	outages := map[string]bool{}
	for _, m := range ws.Manifests {
		ids.Versions = append(ids.Versions, Choice{m.Version, m.Summary})
		for _, s := range m.Steps {
			// A reused step id is one step: a later release's title wins.
			if i, ok := steps[s.ID]; ok {
				ids.Steps[i].Name = s.Title
				continue
			}
			steps[s.ID] = len(ids.Steps)
			ids.Steps = append(ids.Steps, Choice{s.ID, s.Title})
		}
		for _, o := range m.Outages {
			if !outages[o.ID] {
				outages[o.ID] = true
				ids.Outages = append(ids.Outages, Choice{o.ID, "takes " + o.Feature + " offline"})
			}
		}
	}
	return ids
}

// offer says which property of which definition of a schema gets which ids.
// Strict ids must be one of the workspace's (roles, features, operations,
// versions, locales: a catalogue defined elsewhere); the ids of steps and
// outages are only offered, because the file being edited defines new ones.
type offer struct {
	schema, def, prop string
	ids               func(IDs) []Choice
	strict            bool
}

var offers = []offer{
	{"manifest", "Step", "role", func(i IDs) []Choice { return i.Roles }, true},
	{"manifest", "Prerequisite", "role", func(i IDs) []Choice { return i.Roles }, true},
	{"manifest", "Outage", "feature", func(i IDs) []Choice { return i.Features }, true},
	{"manifest", "Step", "grants", func(i IDs) []Choice { return i.Operations }, true},
	{"manifest", "Step", "dependsOn", func(i IDs) []Choice { return i.Steps }, false},
	{"manifest", "Outage", "causedBy", func(i IDs) []Choice { return i.Steps }, false},
	{"manifest", "Step", "causesOutage", func(i IDs) []Choice { return i.Outages }, false},
	{"customers", "Customer", "version", func(i IDs) []Choice { return i.Versions }, true},
	{"customers", "Customer", "locale", func(i IDs) []Choice { return i.Locales }, true},
}

// ForWorkspace returns the named schema with the workspace's ids offered as
// enums, each with its name in enumDescriptions, so that yaml-language-server
// completes and checks cross-references. Schemas without references to the
// workspace's ids are returned as they are.
func ForWorkspace(name string, ids IDs) ([]byte, error) {
	raw, ok := Get(name)
	if !ok {
		return nil, fmt.Errorf("no schema %q", name)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	changed := false
	for _, o := range offers {
		if o.schema != name {
			continue
		}
		choices := o.ids(ids)
		if len(choices) == 0 {
			continue
		}
		def, ok := s.Definitions[o.def]
		if !ok || def.Properties == nil {
			return nil, fmt.Errorf("schema %s has no $defs/%s", name, o.def)
		}
		prop, ok := def.Properties.Get(o.prop)
		if !ok {
			return nil, fmt.Errorf("schema %s has no $defs/%s/properties/%s", name, o.def, o.prop)
		}
		if prop.Items != nil {
			prop = prop.Items
		}
		offerIDs(prop, choices, o.strict)
		changed = true
	}
	if !changed {
		return raw, nil
	}
	b, err := json.MarshalIndent(&s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// offerIDs makes a string schema offer the choices: as its enum when only they
// are valid, or as one branch of an anyOf beside any string when they are not.
func offerIDs(s *jsonschema.Schema, choices []Choice, strict bool) {
	enum := make([]any, len(choices))
	descriptions := make([]string, len(choices))
	for i, c := range choices {
		enum[i], descriptions[i] = c.ID, c.Name
	}
	extras := map[string]any{"enumDescriptions": descriptions}
	if strict {
		s.Enum = enum
		if s.Extras == nil {
			s.Extras = map[string]any{}
		}
		s.Extras["enumDescriptions"] = descriptions
		return
	}
	s.AnyOf = []*jsonschema.Schema{
		{Enum: enum, Extras: extras},
		{Type: "string"},
	}
}
