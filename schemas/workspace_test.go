package schemas_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/schemas"
)

func exampleIDs(t *testing.T) schemas.IDs {
	t.Helper()
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	return schemas.WorkspaceIDs(ws)
}

func compileWorkspace(t *testing.T, name string, ids schemas.IDs) *jsonschema.Schema {
	t.Helper()
	raw, err := schemas.ForWorkspace(name, ids)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name+".json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWorkspaceIDs(t *testing.T) {
	ids := exampleIDs(t)
	has := func(list []schemas.Choice, id string) bool {
		for _, c := range list {
			if c.ID == id {
				return c.Name != ""
			}
		}
		return false
	}
	for _, tt := range []struct {
		what string
		list []schemas.Choice
		id   string
	}{
		{"role", ids.Roles, "atlas-admin"},
		{"version", ids.Versions, "4.3.0"},
		{"step", ids.Steps, "deploy-backend"},
		{"operation", ids.Operations, releases.Privileges().Operations[0].ID},
	} {
		if !has(tt.list, tt.id) {
			t.Errorf("no %s %q with a name in %v", tt.what, tt.id, tt.list)
		}
	}
	if len(ids.Features) == 0 || len(ids.Locales) == 0 || len(ids.Outages) == 0 {
		t.Errorf("features %v, locales %v, outages %v: want the example's", ids.Features, ids.Locales, ids.Outages)
	}
}

// TestWorkspaceSchemaAcceptsTheExample validates every manifest and the
// customers of the example against the schemas made for the example.
func TestWorkspaceSchemaAcceptsTheExample(t *testing.T) {
	ids := exampleIDs(t)
	files, _ := filepath.Glob("../examples/atlas/releases/*.yaml")
	bySchema := map[string][]string{"manifest": files, "customers": {"../examples/atlas/customers.yaml"}}
	for name, files := range bySchema {
		s := compileWorkspace(t, name, ids)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			inst, err := instance(t, data)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(inst); err != nil {
				t.Errorf("%s: %v", file, err)
			}
		}
	}
}

// TestWorkspaceSchemaChecksReferences edits an example manifest: references
// to a catalogue the workspace defines elsewhere must name its ids; references
// to steps and outages may name the file's own new ones.
func TestWorkspaceSchemaChecksReferences(t *testing.T) {
	ids := exampleIDs(t)
	manifest := compileWorkspace(t, "manifest", ids)
	customers := compileWorkspace(t, "customers", ids)
	plain := compile(t, "manifest")
	base, err := os.ReadFile("../examples/atlas/releases/4.3.0.yaml")
	if err != nil {
		t.Fatal(err)
	}
	custBase, err := os.ReadFile("../examples/atlas/customers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name       string
		customers  bool
		old, new   string
		wantReject bool
	}{
		{"unknown role", false, "role: atlas-admin", "role: atlas-admn", true},
		{"role in another case", false, "role: atlas-admin", "role: Atlas-Admin", true},
		{"known role", false, "role: atlas-admin", "role: " + ids.Roles[len(ids.Roles)-1].ID, false},
		{"unknown grant", false, "id: deploy-backend\n", "id: deploy-backend\n    grants: [format-the-tenant]\n", true},
		{"known grant", false, "id: deploy-backend\n", "id: deploy-backend\n    grants: [" + ids.Operations[0].ID + "]\n", false},
		{"new step in dependsOn", false, "id: install-modules\n", "id: install-modules\n    dependsOn: [a-step-not-yet-anywhere]\n", false},
		{"customer on an unknown version", true, "version: 4.", "version: 9.", true},
		{"customer in an unpublished locale", true, "locale: de", "locale: xx-yy", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, s := base, manifest
			if tt.customers {
				src, s = custBase, customers
			}
			if !bytes.Contains(src, []byte(tt.old)) {
				t.Fatalf("%q not in the example", tt.old)
			}
			data := strings.Replace(string(src), tt.old, tt.new, 1)
			inst, err := instance(t, []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			err = s.Validate(inst)
			if rejected := err != nil; rejected != tt.wantReject {
				t.Errorf("rejected = %v (%v), want %v", rejected, err, tt.wantReject)
			}
			if !tt.customers && tt.wantReject && plain.Validate(inst) != nil {
				t.Errorf("the plain schema rejects it too: the case tests nothing of the workspace's ids")
			}
		})
	}
}

func TestForWorkspaceDescribesEveryID(t *testing.T) {
	ids := exampleIDs(t)
	raw, err := schemas.ForWorkspace("manifest", ids)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum             []string `json:"enum"`
				EnumDescriptions []string `json:"enumDescriptions"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	role := doc.Defs["Step"].Properties["role"]
	if len(role.Enum) != len(ids.Roles) || len(role.EnumDescriptions) != len(ids.Roles) {
		t.Fatalf("role enum %v / %v, want the %d roles with names", role.Enum, role.EnumDescriptions, len(ids.Roles))
	}
	for i, c := range ids.Roles {
		if role.Enum[i] != c.ID || role.EnumDescriptions[i] != c.Name {
			t.Errorf("role %d: %s (%s), want %s (%s)", i, role.Enum[i], role.EnumDescriptions[i], c.ID, c.Name)
		}
	}
	// Schemas with no workspace references, and empty workspaces, are unchanged.
	for _, name := range []string{"workspace", "runbook"} {
		got, err := schemas.ForWorkspace(name, ids)
		want, _ := schemas.Get(name)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: changed (%v)", name, err)
		}
	}
	got, err := schemas.ForWorkspace("manifest", schemas.IDs{})
	want, _ := schemas.Get("manifest")
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("manifest for no ids: changed (%v)", err)
	}
	if _, err := schemas.ForWorkspace("nope", ids); err == nil {
		t.Error("an unknown schema gave no error")
	}
}
