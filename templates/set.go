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
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"unicode/utf8"

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
	// templates parses each template on first use: a command that renders a
	// runbook needs none of them, and parsing them all cost it about a
	// millisecond in a warm process, more in a fresh one. The workspace's own
	// templates are parsed when the set is loaded, so that their errors are
	// reported at once; the built-in ones are tested
	// (TestBuiltInTemplatesParse).
	templates map[string]func() (executor, error)
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
	return load(workspace, t.TemplatesDir(), localeFuncs(t))
}

// load reads the built-in templates, overridden by the files of dir, with the
// functions of funcs replaced by those of extra.
func load(workspace fs.FS, dir string, extra map[string]any) (*Set, error) {
	s := &Set{templates: map[string]func() (executor, error){}}
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
				return nil, fmt.Errorf("%s does not override a built-in template (they are: %s)",
					displayPath(path.Join(dir, e.Name())), strings.Join(append(Names(), RunbookCSS), ", "))
			}
			// A regular file inside the workspace of at most releases.MaxFileSize
			// bytes: a link, a named pipe or a device is an error, never followed
			// and never waited for.
			b, err := releases.ReadFile(workspace, path.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			// What a template holds goes to terminals, Markdown, HTML and
			// ZenDesk as it is: the characters refused in workspace text are
			// refused here too.
			if p, what, bad := releases.FindUnsafeText(b); bad {
				return nil, &unsafeTextError{fmt.Sprintf("%s:%d:%d: the file holds %s; remove it or write it visibly",
					displayPath(path.Join(dir, e.Name())), p.Line, p.Col, what)}
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
		// A workspace's template is named by its path, so that an error while
		// rendering (template: locales/de/templates/notes.md.tmpl:108:5: …)
		// names the file to open, not a built-in name found in every locale.
		// Its parse errors name it the same way; a built-in template's say so.
		origin, tmplName := "built-in template "+name+": ", name
		overridden := slices.Contains(s.Overridden, name)
		if overridden {
			origin, tmplName = "", path.Join(dir, name)
		}
		parse := sync.OnceValues(func() (executor, error) {
			var t executor
			var err error
			if strings.HasSuffix(name, ".html.tmpl") {
				t, err = htmltemplate.New(tmplName).Funcs(htmlFns).Option("missingkey=error").Parse(string(src))
			} else {
				t, err = texttemplate.New(tmplName).Funcs(textFns).Option("missingkey=error").Parse(string(src))
			}
			if err != nil {
				return nil, fmt.Errorf("%s%w", origin, err)
			}
			return t, nil
		})
		if overridden {
			if _, err := parse(); err != nil {
				return nil, err
			}
		}
		s.templates[name] = parse
	}
	return s, nil
}

// executor is a parsed template, text or HTML.
type executor interface {
	Execute(w io.Writer, data any) error
}

// ErrUnsafeText is wrapped by the error of a template file that holds, or a
// template that produces, a control or invisible character (the characters
// rule AR0112 refuses in workspace text): invalid input.
var ErrUnsafeText = errors.New("control or invisible character in a template")

// unsafeTextError says where the character is and wraps ErrUnsafeText.
type unsafeTextError struct{ msg string }

func (e *unsafeTextError) Error() string { return e.msg }
func (e *unsafeTextError) Unwrap() error { return ErrUnsafeText }

// displayPath is a workspace path as messages show it: quoted, with escapes,
// when it holds a character that must not reach a terminal as it is.
func displayPath(p string) string {
	if _, _, bad := releases.FindUnsafeText([]byte(p)); bad || strconv.Quote(p) != `"`+p+`"` {
		return strconv.Quote(p)
	}
	return p
}

// execute renders the named template with data. It is the one place templates
// are executed, so what any template produces is checked here: a template can
// write characters its file does not hold ({{printf "%c" 27}}, {{"\u202e"}}),
// and the data it is given may come from anywhere.
func (s *Set) execute(w io.Writer, name string, data any) error {
	parse, ok := s.templates[name]
	if !ok {
		return fmt.Errorf("no template %s", name)
	}
	t, err := parse()
	if err != nil {
		return err
	}
	cw := &checkedWriter{w: w, line: 1, col: 1}
	err = t.Execute(cw, data)
	if err == nil {
		err = cw.close()
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}

// checkedWriter passes on what a template writes once it has checked it: UTF-8
// text without the characters releases.UnsafeRune refuses (tab, line feed and
// carriage return are layout). A character is judged with the ones around it
// (a joiner must stand between two visible characters), so the last
// non-ASCII character written, and the start of a character split between two
// writes, are held back until the next write or close: nothing unchecked
// reaches w, and nothing is buffered but those few bytes.
type checkedWriter struct {
	w io.Writer
	// pending is the last non-ASCII character, not yet judged nor passed on;
	// before is the character before it.
	pending      []byte
	pendingRune  rune
	before, prev rune
	// partial is the start of a character the next write completes.
	partial   []byte
	line, col int // of the next character, in the output
	pline     int // where pending is
	pcol      int
	err       error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n := len(p)
	if len(c.partial) > 0 {
		k := 0
		for !utf8.FullRune(c.partial) && k < len(p) {
			c.partial = append(c.partial, p[k])
			k++
		}
		if !utf8.FullRune(c.partial) {
			return n, nil
		}
		r, size := utf8.DecodeRune(c.partial)
		if err := c.character(r, c.partial[:size]); err != nil {
			return 0, err
		}
		c.partial = c.partial[:0]
		p = p[k:] // a valid character: partial held its first bytes, p the rest
	}
	start := 0
	for i := 0; i < len(p); {
		if b := p[i]; c.pending == nil && (b >= 0x20 && b < 0x7f || b == '\t' || b == '\r') {
			c.prev = rune(b)
			c.col++
			i++
			continue
		} else if b == '\n' && c.pending == nil {
			c.prev = '\n'
			c.line, c.col = c.line+1, 1
			i++
			continue
		}
		if !utf8.FullRune(p[i:]) {
			c.partial = append(c.partial[:0], p[i:]...)
			p = p[:i]
			break
		}
		if err := c.pass(p[start:i]); err != nil {
			return 0, err
		}
		r, size := utf8.DecodeRune(p[i:])
		if err := c.character(r, p[i:i+size]); err != nil {
			return 0, err
		}
		i += size
		start = i
	}
	if err := c.pass(p[start:]); err != nil {
		return 0, err
	}
	return n, nil
}

// character judges the pending character, now that r follows it, and passes
// it on; r becomes pending unless it is ASCII, which needs no look-ahead.
func (c *checkedWriter) character(r rune, b []byte) error {
	if err := c.judgePending(r); err != nil {
		return err
	}
	if r == utf8.RuneError && len(b) == 1 {
		return c.fail(c.line, c.col, fmt.Sprintf("the invalid UTF-8 byte 0x%02x", b[0]))
	}
	if r < utf8.RuneSelf {
		if releases.UnsafeRune(c.prev, r, 0) {
			return c.fail(c.line, c.col, releases.RuneName(r))
		}
		if err := c.pass(b); err != nil {
			return err
		}
		c.advance(r)
		return nil
	}
	c.pending = append(c.pending[:0], b...)
	c.pendingRune, c.before = r, c.prev
	c.pline, c.pcol = c.line, c.col
	c.advance(r)
	return nil
}

func (c *checkedWriter) advance(r rune) {
	c.prev = r
	if r == '\n' {
		c.line, c.col = c.line+1, 1
	} else {
		c.col++
	}
}

// judgePending judges the pending character, followed by next (0 at the end),
// and passes it on.
func (c *checkedWriter) judgePending(next rune) error {
	if c.pending == nil {
		return nil
	}
	if releases.UnsafeRune(c.before, c.pendingRune, next) {
		return c.fail(c.pline, c.pcol, releases.RuneName(c.pendingRune))
	}
	b := c.pending
	c.pending = nil
	return c.pass(b)
}

// close judges what is held back at the end of the output.
func (c *checkedWriter) close() error {
	if c.err != nil {
		return c.err
	}
	if len(c.partial) > 0 {
		return c.fail(c.line, c.col, fmt.Sprintf("the invalid UTF-8 byte 0x%02x", c.partial[0]))
	}
	return c.judgePending(0)
}

func (c *checkedWriter) pass(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if _, err := c.w.Write(b); err != nil {
		c.err = err
		return err
	}
	return nil
}

func (c *checkedWriter) fail(line, col int, what string) error {
	c.err = &unsafeTextError{fmt.Sprintf("the template wrote %s at line %d, column %d of its output; "+
		"templates must not produce control or invisible characters", what, line, col)}
	return c.err
}
