package schemas_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/atlas-release/atlas-release/releases"
	"github.com/atlas-release/atlas-release/schemas"
	"github.com/atlas-release/atlas-release/schemas/internal/generate"
	"github.com/atlas-release/atlas-release/templates"
)

// TestSchemasAreGenerated fails when a type changed and `make generate` was not run.
func TestSchemasAreGenerated(t *testing.T) {
	all, err := generate.All("github.com/atlas-release/atlas-release/schemas", "../releases", "../templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range generate.Targets {
		got, ok := schemas.Get(target.Name)
		if !ok {
			t.Fatalf("schema %s is not embedded", target.Name)
		}
		if !bytes.Equal(got, all[target.Name]) {
			t.Errorf("%s%s is stale: run `make generate`", target.Name, schemas.Suffix)
		}
	}
}

func compile(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	raw, ok := schemas.Get(name)
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	url := generate.BaseURL + name + schemas.Suffix
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// instance reads a YAML file as the JSON value a schema validator expects.
func instance(t *testing.T, data []byte) (any, error) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return jsonValue(doc.Content[0]), nil
}

func jsonValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.AliasNode:
		return jsonValue(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = jsonValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, c := range n.Content {
			s[i] = jsonValue(c)
		}
		return s
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return json.Number(strings.ReplaceAll(n.Value, "_", ""))
	case "!!bool":
		return n.Value == "true"
	case "!!null":
		return nil
	}
	return n.Value // strings, and dates written without quotes
}

// TestExamplesMatchSchemas validates the example workspace with an independent
// JSON Schema implementation.
func TestExamplesMatchSchemas(t *testing.T) {
	bySchema := map[string][]string{"workspace": {"../examples/atlas/atlas-release.yaml"}}
	bySchema["manifest"], _ = filepath.Glob("../examples/atlas/releases/*.yaml")
	bySchema["language"], _ = filepath.Glob("../examples/atlas/locales/*/language.yaml")
	bySchema["translation"], _ = filepath.Glob("../examples/atlas/locales/*/releases/*.yaml")
	bySchema["customers"] = []string{"../examples/atlas/customers.yaml"}
	for name, files := range bySchema {
		if len(files) == 0 {
			t.Fatalf("no example file for the %s schema", name)
		}
		s := compile(t, name)
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

// TestSchemasRejectWhatTheLoaderRejects runs the invalid-manifest corpus cases
// whose problem is one of shape (unknown key, wrong type, missing field, invalid
// value) through the schemas: the loader and the schemas must agree.
func TestSchemasRejectWhatTheLoaderRejects(t *testing.T) {
	shape := map[string]bool{"AR0103": true, "AR0105": true, "AR0106": true, "AR0107": true}
	f, err := os.Open("../releases/testdata/invalid/cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	checked := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 4 || !shape[fields[2]] {
			continue
		}
		data, err := os.ReadFile(filepath.Join("../releases/testdata/invalid", fields[0]))
		if err != nil {
			t.Fatal(err)
		}
		inst, err := instance(t, data)
		if err != nil {
			t.Fatalf("%s: %v", fields[0], err)
		}
		s := compile(t, "manifest")
		if fields[1] == "atlas-release.yaml" {
			s = compile(t, "workspace")
		}
		if s.Validate(inst) == nil {
			t.Errorf("%s (%s): the schema accepts what the loader rejects", fields[0], fields[2])
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("only %d corpus cases checked", checked)
	}
}

// TestRenderedDocumentsMatchSchemas renders the JSON runbooks and notes of the
// example workspace and validates them against their schemas.
func TestRenderedDocumentsMatchSchemas(t *testing.T) {
	ws, err := releases.Load(os.DirFS("../examples/atlas"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	runbook, notes := compile(t, "runbook"), compile(t, "notes")
	check := func(name string, s *jsonschema.Schema, render func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		inst, err := jsonschema.UnmarshalJSON(&buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := s.Validate(inst); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, to := range ws.Manifests {
		notesDoc, err := templates.NewNotes(ws, to.SemVer(), "atlas-release test")
		if err != nil {
			t.Fatal(err)
		}
		check("notes "+to.SemVer().String(), notes, func(b *bytes.Buffer) error { return set.RenderNotes(b, notesDoc, templates.JSON) })
		for _, from := range ws.Manifests {
			p, err := ws.Plan(from.SemVer(), to.SemVer())
			if err != nil {
				continue
			}
			rb := templates.NewRunbook(ws, p, "atlas-release test")
			check("runbook "+rb.Bundle, runbook, func(b *bytes.Buffer) error { return set.RenderRunbook(b, rb, templates.JSON) })
		}
		// The runbook that deploys the release on a new tenant has the same form.
		p, err := ws.InstallPlan(to.SemVer())
		if err != nil {
			t.Fatal(err)
		}
		rb := templates.NewRunbook(ws, p, "atlas-release test")
		check("runbook "+rb.Bundle, runbook, func(b *bytes.Buffer) error { return set.RenderRunbook(b, rb, templates.JSON) })
	}
}
