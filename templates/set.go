package templates

import (
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	texttemplate "text/template"

	"github.com/atlas-release/atlas-release/releases"
)

//go:embed defaults/*.tmpl
var defaults embed.FS

// OverrideDir is the workspace folder whose files replace built-in templates of
// the same name.
const OverrideDir = "templates"

// The built-in templates. Files ending in .html.tmpl are html/template (escaped by
// context); the others are text/template.
const (
	NotesMarkdown = "notes.md.tmpl"
)

// Set holds the templates a workspace renders with.
type Set struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
	// runbookCSS is the workspace's runbook.css, added to the runbook page.
	runbookCSS string
	// Overridden lists the templates the workspace replaced, sorted.
	Overridden []string
}

// Names lists the built-in templates, sorted.
func Names() []string {
	entries, _ := fs.ReadDir(defaults, "defaults")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Default returns the text of a built-in template, for people who want to
// override it.
func Default(name string) ([]byte, bool) {
	b, err := defaults.ReadFile(path.Join("defaults", name))
	return b, err == nil
}

// Load returns the built-in templates with the overrides found in the workspace's
// templates/ folder. workspace may be nil. An override must carry the name of a
// built-in template (or be runbook.css, whose rules brand the runbook page): a
// misspelt file is an error, not silently ignored.
func Load(workspace fs.FS) (*Set, error) {
	return load(workspace, OverrideDir, nil)
}

// LoadLocale returns the templates of a locale other than the workspace's
// default: the locale's own templates (locales/<locale>/templates/) in place of
// the built-in ones, and dates written with the locale's month names and format.
func LoadLocale(workspace fs.FS, t *releases.Translation) (*Set, error) {
	if t.Language == nil {
		return nil, fmt.Errorf("locale %s has no %s", t.Locale, path.Join(t.Dir(), releases.LanguageFile))
	}
	lang := t.Language
	return load(workspace, t.TemplatesDir(), map[string]any{"date": func(s string) string { return localDate(s, lang) }})
}

// load reads the built-in templates, overridden by the files of dir, with the
// functions of funcs replaced by those of extra.
func load(workspace fs.FS, dir string, extra map[string]any) (*Set, error) {
	s := &Set{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	sources := map[string][]byte{}
	for _, name := range Names() {
		b, _ := Default(name)
		sources[name] = b
	}
	if workspace != nil {
		entries, err := fs.ReadDir(workspace, dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.EqualFold(e.Name(), "README.md") {
				continue
			}
			if _, ok := sources[e.Name()]; !ok && e.Name() != RunbookCSS {
				return nil, fmt.Errorf("%s/%s does not override a built-in template (they are: %s)",
					dir, e.Name(), strings.Join(append(Names(), RunbookCSS), ", "))
			}
			// A regular file inside the workspace of at most releases.MaxFileSize
			// bytes: a link, a named pipe or a device is an error, never followed
			// and never waited for.
			b, err := releases.ReadFile(workspace, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			if e.Name() == RunbookCSS {
				s.runbookCSS = string(b)
				s.Overridden = append(s.Overridden, e.Name())
				continue
			}
			sources[e.Name()] = b
			s.Overridden = append(s.Overridden, e.Name())
		}
	}
	slices.Sort(s.Overridden)
	textFns, htmlFns := texttemplate.FuncMap{}, htmltemplate.FuncMap{}
	for k, v := range textFuncs {
		textFns[k] = v
	}
	for k, v := range htmlFuncs {
		htmlFns[k] = v
	}
	for k, v := range extra {
		textFns[k], htmlFns[k] = v, v
	}
	for name, src := range sources {
		origin := "built-in template " + name
		if slices.Contains(s.Overridden, name) {
			origin = path.Join(dir, name)
		}
		if strings.HasSuffix(name, ".html.tmpl") {
			t, err := htmltemplate.New(name).Funcs(htmlFns).Option("missingkey=error").Parse(string(src))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", origin, err)
			}
			s.html[name] = t
			continue
		}
		t, err := texttemplate.New(name).Funcs(textFns).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", origin, err)
		}
		s.text[name] = t
	}
	return s, nil
}

// execute renders the named template with data.
func (s *Set) execute(w io.Writer, name string, data any) error {
	var err error
	if t, ok := s.html[name]; ok {
		err = t.Execute(w, data)
	} else if t, ok := s.text[name]; ok {
		err = t.Execute(w, data)
	} else {
		return fmt.Errorf("no template %s", name)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}
