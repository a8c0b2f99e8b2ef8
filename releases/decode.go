package releases

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	pathpkg "path"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	goccyyaml "github.com/goccy/go-yaml"
	goccyparser "github.com/goccy/go-yaml/parser"
	"go.yaml.in/yaml/v3"
)

// MaxFileSize is the largest workspace or manifest file the loader reads. Real
// manifests are tens of kilobytes; anything far larger is a mistake or an attack.
const MaxFileSize = 1 << 20

// placeholder starts every value that `new` and `init` leave for a person to write.
const placeholder = "FILL IN"

// maxDecodeErrors bounds the diagnostics one file can produce, so that a hostile
// file cannot flood the output.
const maxDecodeErrors = 50

// decodeFile checks that src is YAML text, parses it and decodes it strictly into
// v (a pointer to a struct). It reports every problem found and returns false when
// the value must not be used for further checks. Unknown and duplicate keys (the
// first is kept) and placeholders left to fill in do not make a value unusable;
// wrong types and missing fields do.
func decodeFile(file string, src []byte, v any, diags *Diagnostics) bool {
	start := len(*diags)
	r := reporter{file: file, diags: diags}
	root, ok := parseYAML(r, src)
	if !ok {
		return false
	}
	d := decoder{r: r}
	d.decode(root, reflect.ValueOf(v).Elem(), "", nil, "")
	for _, diag := range (*diags)[start:] {
		switch diag.Code {
		case "AR0103", "AR0104", "AR0108":
		default:
			return false
		}
	}
	return true
}

// parseYAML checks the bytes and parses them into a single YAML document whose root
// is a mapping.
func parseYAML(r reporter, src []byte) (*yaml.Node, bool) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if len(src) > MaxFileSize {
		r.report(Pos{1, 1}, "AR0101", "%v", &tooLargeError{size: int64(len(src))})
		return nil, false
	}
	if p, code, what, bad := scanFileText(src); bad {
		if code == "AR0101" {
			r.report(p, code, "file is not UTF-8 text: %s", what)
		} else {
			r.report(p, code, "the file holds %s; remove it or write it visibly", what)
		}
		return nil, false
	}
	// The budget is checked before any parser builds anything.
	bad, bareTags := scanYAMLBudget(src, MaxYAMLDepth, MaxYAMLNodes)
	if bad != nil {
		r.report(bad.pos, "AR0111", "%s", bad.msg)
		return nil, false
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	err := safeDecode(dec, &doc)
	if errors.Is(err, io.EOF) {
		r.report(Pos{1, 1}, "AR0101", "file is empty")
		return nil, false
	}
	if err != nil {
		p, msg := syntaxErrorPosition(src, err)
		r.report(p, "AR0102", "%s", msg)
		return nil, false
	}
	var extra yaml.Node
	if err := safeDecode(dec, &extra); !errors.Is(err, io.EOF) {
		p := Pos{extra.Line, extra.Column}
		if err != nil {
			p, _ = syntaxErrorPosition(src, err)
		}
		r.report(p, "AR0109", "file holds several YAML documents; put one manifest in each file")
		return nil, false
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			r.report(Pos{1, 1}, "AR0101", "file is empty")
			return nil, false
		}
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			r.report(Pos{1, 1}, "AR0101", "file is empty")
			return nil, false
		}
		r.report(nodePos(root), "AR0105", "the file must be a mapping of keys to values, not %s", describe(root))
		return nil, false
	}
	reportBareTags(r, &doc, bareTags)
	checkText(r, root)
	return root, true
}

// reportBareTags reports the non-specific tags "!" the pre-scan found on nodes
// of the document: the parser resolves them away, so the decoder cannot see them.
func reportBareTags(r reporter, doc *yaml.Node, tags []Pos) {
	if len(tags) == 0 {
		return
	}
	at := make(map[Pos]bool, len(tags))
	for _, p := range tags {
		at[p] = true
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if at[nodePos(n)] {
			delete(at, nodePos(n))
			r.report(nodePos(n), "AR0109", "YAML tags (!) are not supported")
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
}

// safeDecode turns a parser panic into an error: the YAML parser is well fuzzed, but
// a hostile file must never crash the tool.
func safeDecode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("yaml: cannot parse this file (%v)", v)
		}
	}()
	return dec.Decode(n)
}

// yamlLineRE and idRE are compiled when first needed, not at every start-up.
var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// syntaxErrorPosition turns a parse failure into a position and a message. The
// parser only reports lines (and, for some errors, the line before), so a second
// parser that tracks columns is asked where the problem is; its answer is used when
// it agrees that the file is broken. A tab in the indentation of that line, the
// most common slip, gets a message of its own.
func syntaxErrorPosition(src []byte, err error) (Pos, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Pos{1, 1}
	if m := yamlLineRE().FindStringSubmatch(err.Error()); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if in, ok := positionInput(src, p.Line); ok {
		if gp, gmsg, ok := positionSyntaxError(in); ok {
			p, msg = gp, gmsg
		}
	}
	lines := bytes.Split(src, []byte("\n"))
	if p.Line < 1 || p.Line > len(lines) {
		return Pos{max(min(p.Line, len(lines)), 1), 1}, msg
	}
	line := lines[p.Line-1]
	indent := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
	if i := bytes.IndexByte(indent, '\t'); i >= 0 {
		return Pos{p.Line, i + 1}, "tab character used for indentation; YAML indents with spaces"
	}
	if p.Col < 1 {
		p.Col = len(indent) + 1
	}
	return p, msg
}

// The second parser's memory grows with its input and with the square of the
// nesting depth, so it is only shown a bounded input: the whole file when it is
// small, else the lines up to just after the error, and never text with more
// brackets than a real file has. Without its answer the error keeps the line
// the first parser gave.
const (
	maxPositionInput    = 64 << 10
	maxPositionBrackets = 1000
)

// positionInput is what the second parser may see of src, whose first parser
// reported a syntax error at line (0 when it did not say).
func positionInput(src []byte, line int) ([]byte, bool) {
	in := src
	if len(in) > maxPositionInput {
		if line < 1 {
			return nil, false
		}
		end := 0
		for range line + 1 {
			i := bytes.IndexByte(in[end:], '\n')
			if i < 0 {
				end = len(in)
				break
			}
			end += i + 1
			if end > maxPositionInput {
				return nil, false
			}
		}
		in = in[:end]
	}
	if bytes.Count(in, []byte("["))+bytes.Count(in, []byte("{")) > maxPositionBrackets {
		return nil, false
	}
	return in, true
}

// positionSyntaxError asks goccy/go-yaml where a syntax error is.
func positionSyntaxError(src []byte) (p Pos, msg string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := goccyparser.ParseBytes(src, 0)
	var ge goccyyaml.Error
	if !errors.As(err, &ge) || ge.GetToken() == nil {
		return Pos{}, "", false
	}
	tp := ge.GetToken().Position
	return Pos{tp.Line, tp.Column}, ge.GetMessage(), true
}

// decoder walks a YAML node tree into Go values, enforcing the constraints carried
// by `jsonschema` struct tags so that the loader and the published JSON Schema agree.
type decoder struct {
	r      reporter
	errors int
}

func (d *decoder) fail(p Pos, code, format string, args ...any) {
	d.errors++
	if d.errors > maxDecodeErrors {
		return
	}
	if d.errors == maxDecodeErrors {
		d.r.report(p, code, "too many errors; stopping here")
		return
	}
	d.r.report(p, code, format, args...)
}

// quotable is the text to suggest for a scalar that YAML read as another
// type: the scalar itself, but for a version written as a number (4.3, which
// no quoting makes a valid version), the full version: the one the file is
// named after when it agrees (releases/4.3.0.yaml), else MAJOR.MINOR.0.
func (d *decoder) quotable(path, value string) string {
	if path != "version" && !strings.HasSuffix(path, ".version") {
		return value
	}
	v, err := ParseVersionArg(value)
	if err != nil {
		return value
	}
	// A YAML number has no second dot, so the patch is what it leaves out.
	if named, err := ParseVersion(strings.TrimSuffix(pathpkg.Base(d.r.file), ".yaml")); err == nil &&
		named.Major() == v.Major() && named.Minor() == v.Minor() {
		return named.String()
	}
	return v.String()
}

var textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()

// decode decodes n into v. path names the value in messages ("steps[2].role"); loc
// and key say where the enclosing struct records the value's position. It
// reports whether n itself had the right form, so that its value is worth
// checking further (what is inside a mapping or list is checked on the way).
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, loc *Loc, key string) bool {
	if loc != nil {
		loc.record(key, nodePos(n))
	}
	if !d.supported(n) {
		return false
	}
	if v.Kind() == reflect.Pointer {
		if isNull(n) && v.Type().Elem().Kind() == reflect.Struct && !v.Type().Implements(textUnmarshalerType) {
			// A section written with no value ("install:") is an empty
			// section, as "install: {}" is, not an absent one: its required
			// fields are reported at its position instead of the section
			// passing silently for one that was never written.
			n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
		} else if isNull(n) {
			return true
		}
		nv := reflect.New(v.Type().Elem())
		ok := d.decode(n, nv.Elem(), path, nil, "")
		v.Set(nv)
		return ok
	}
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshalerType) {
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!timestamp") {
			d.fail(nodePos(n), "AR0105", "%s must be a date (YYYY-MM-DD), not %s", name(path), describe(n))
			return false
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			code := "AR0105"
			if _, outOfRange := errors.AsType[*DateRangeError](err); outOfRange {
				code = "AR0107" // a date, but not one the tool plans for
			}
			d.fail(nodePos(n), code, "%s: %v", name(path), err)
			return false
		}
		return true
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if isNull(n) {
			return true
		}
		if n.Kind != yaml.SequenceNode {
			d.fail(nodePos(n), "AR0105", "%s must be a list, not %s", name(path), describe(n))
			return false
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), loc, key+"."+strconv.Itoa(i))
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
			hint := ""
			if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
				hint = fmt.Sprintf(`; quote it: "%s"`, d.quotable(path, n.Value))
			}
			d.fail(nodePos(n), "AR0105", "%s must be text, not %s%s", name(path), describe(n), hint)
			return false
		}
		v.SetString(n.Value)
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.fail(nodePos(n), "AR0105", "%s must be a whole number, not %s", name(path), describe(n))
			return false
		}
		i, err := parseInt(n)
		if err != nil || (v.Kind() == reflect.Int && (i > math.MaxInt32 || i < math.MinInt32)) {
			d.fail(nodePos(n), "AR0105", "%s: %s is out of range", name(path), n.Value)
			return false
		}
		v.SetInt(i)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.fail(nodePos(n), "AR0105", "%s must be true or false, not %s", name(path), describe(n))
			return false
		}
		v.SetBool(n.Value == "true" || n.Value == "True" || n.Value == "TRUE")
	default:
		panic("releases: cannot decode into " + v.Type().String())
	}
	return true
}

// supported rejects the YAML features that have no place in a manifest: aliases
// (and with them "billion laughs" alias bombs), anchors and explicit tags.
func (d *decoder) supported(n *yaml.Node) bool {
	switch {
	case n.Kind == yaml.AliasNode:
		d.fail(nodePos(n), "AR0109", "aliases (*%s) are not supported; write the value out in full", safeName(n.Value))
	case n.Anchor != "":
		d.fail(nodePos(n), "AR0109", "anchors (&%s) are not supported; write the value out in full", safeName(n.Anchor))
	case n.Style&yaml.TaggedStyle != 0:
		d.fail(nodePos(n), "AR0109", "YAML tags (%s) are not supported", safeName(n.Tag))
	default:
		return true
	}
	return false
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(nodePos(n), "AR0105", "%s must be a mapping of keys to values, not %s", name(path), describe(n))
		return
	}
	info := structInfoFor(v.Type())
	var loc *Loc
	if info.loc >= 0 {
		loc = v.Field(info.loc).Addr().Interface().(*Loc)
		loc.pos = nodePos(n)
		loc.fields = make([]fieldPos, 0, len(n.Content)/2+2)
	}
	seen := make(map[string]Pos, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !d.supported(k) && k.Kind != yaml.ScalarNode {
			continue // a tagged or anchored key is reported, and still read
		}
		if k.Kind != yaml.ScalarNode || (k.Tag != "!!str" && k.Tag != "!!merge") {
			d.fail(nodePos(k), "AR0105", "keys must be text, not %s", describe(k))
			continue
		}
		if k.Tag == "!!merge" {
			d.fail(nodePos(k), "AR0109", "merge keys (<<) are not supported; write the values out in full")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.fail(nodePos(k), "AR0104", "duplicate key %q (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = nodePos(k)
		f, ok := info.byName[k.Value]
		if !ok {
			d.fail(nodePos(k), "AR0103", "unknown key %q in %s%s", k.Value, where(path), suggest(k.Value, info.names))
			continue
		}
		fieldPath := join(path, f.name)
		fv := v.Field(f.index)
		valid := d.decode(val, fv, fieldPath, loc, f.name)
		if loc != nil && (val.Kind == yaml.MappingNode || val.Kind == yaml.SequenceNode) && val.Style&yaml.FlowStyle == 0 {
			// A block mapping or list starts on the line after its key; problems
			// with the field as a whole read best at the key.
			loc.record(f.name, nodePos(k))
		}
		if !valid {
			continue // the value has the wrong form, which is reported
		}
		if isNull(val) {
			if f.required {
				d.fail(nodePos(val), "AR0106", "%s is required and cannot be empty", fieldPath)
			}
			continue
		}
		d.check(f, val, fv, fieldPath)
	}
	for _, f := range info.fields {
		if _, ok := seen[f.name]; !ok && f.required {
			d.fail(nodePos(n), "AR0106", "missing required field %q in %s", f.name, where(path))
		}
	}
}

// check enforces a field's schema constraints on a decoded value.
func (d *decoder) check(f *fieldInfo, n *yaml.Node, v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.String:
		d.checkString(f, nodePos(n), v.String(), path)
	case reflect.Int, reflect.Int64:
		if f.minimum != nil && v.Int() < *f.minimum {
			d.fail(nodePos(n), "AR0107", "%s must be at least %d, not %d", path, *f.minimum, v.Int())
		}
		if f.maximum != nil && v.Int() > *f.maximum {
			d.fail(nodePos(n), "AR0107", "%s must be at most %d, not %d", path, *f.maximum, v.Int())
		}
		if len(f.enum) > 0 && !containsString(f.enum, strconv.FormatInt(v.Int(), 10)) {
			d.fail(nodePos(n), "AR0107", "%s must be %s, not %d", path, strings.Join(f.enum, " or "), v.Int())
		}
	case reflect.Slice:
		if v.Len() < f.minItems {
			d.fail(nodePos(n), "AR0106", "%s needs at least %s", path, atLeast(f.name, f.minItems))
		}
		if f.maxItems > 0 && v.Len() > f.maxItems {
			d.fail(nodePos(n), "AR0107", "%s has %d items; at most %d are allowed", path, v.Len(), f.maxItems)
		}
		if v.Type().Elem().Kind() == reflect.String {
			for i := range v.Len() {
				p := nodePos(n.Content[i])
				d.checkString(f, p, v.Index(i).String(), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
}

func (d *decoder) checkString(f *fieldInfo, p Pos, s, path string) {
	switch {
	case strings.HasPrefix(strings.TrimSpace(s), placeholder):
		d.fail(p, "AR0108", "%s still holds the placeholder %q", path, firstLine(s))
	case f.minLength > 0 && strings.TrimSpace(s) == "":
		d.fail(p, "AR0106", "%s cannot be empty", path)
	case len(f.enum) > 0 && !containsString(f.enum, s):
		d.fail(p, "AR0107", "%s must be one of %s, not %q", path, strings.Join(f.enum, ", "), s)
	case f.pattern != nil && !f.pattern.MatchString(s):
		d.fail(p, "AR0107", "%s %q is not %s", path, s, patternName(f.pattern))
	case f.format == "uri" && !isWebURL(s):
		d.fail(p, "AR0107", "%s %q is not an absolute http(s) URL", path, s)
	}
}

// atLeast says how many items a list needs in words: "one step" for steps,
// "2 features" for features; a list whose name is not a plural (causedBy)
// counts entries.
func atLeast(field string, n int) string {
	noun, plural := strings.CutSuffix(field, "s")
	if !plural {
		noun = "entry"
	}
	if n == 1 {
		return "one " + noun
	}
	if !plural {
		return strconv.Itoa(n) + " entries"
	}
	return strconv.Itoa(n) + " " + field
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

func patternName(re *regexp.Regexp) string {
	switch re.String() {
	case idPattern:
		return "a valid id (lowercase letters, digits and single hyphens, starting with a letter)"
	case localePattern:
		return "a locale such as en-us or de"
	default:
		return "in the expected form " + re.String()
	}
}

// idPattern and localePattern are spelled as in the struct tags.
const (
	idPattern     = `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`
	localePattern = `^[a-z][a-z][a-z]?(-[a-z0-9]+)*$`
)

var idRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(idPattern) })

// structInfo is what the decoder needs to know about a struct type, computed once.
type structInfo struct {
	fields []*fieldInfo
	byName map[string]*fieldInfo
	names  []string
	loc    int // index of the embedded Loc, or -1
}

type fieldInfo struct {
	name      string
	index     int
	required  bool
	enum      []string
	pattern   *regexp.Regexp
	format    string
	minimum   *int64
	maximum   *int64
	minItems  int
	maxItems  int
	minLength int
}

var structInfos sync.Map // reflect.Type → *structInfo

var locType = reflect.TypeFor[Loc]()

func structInfoFor(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]*fieldInfo{}, loc: -1}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Type == locType {
			si.loc = i
			continue
		}
		jsonName, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if jsonName == "" || jsonName == "-" || !sf.IsExported() {
			continue
		}
		f := &fieldInfo{name: jsonName, index: i}
		// Tags are split on commas, as the schema generator does: patterns must not
		// contain commas.
		for _, tag := range strings.Split(sf.Tag.Get("jsonschema"), ",") {
			k, val, _ := strings.Cut(tag, "=")
			switch k {
			case "required":
				f.required = true
			case "enum":
				f.enum = append(f.enum, val)
			case "pattern":
				f.pattern = regexp.MustCompile(val)
			case "format":
				f.format = val
			case "minimum", "maximum":
				m, err := strconv.ParseInt(val, 10, 64)
				if err != nil {
					panic("releases: bad " + k + " tag on " + t.Name() + "." + sf.Name)
				}
				if k == "minimum" {
					f.minimum = &m
				} else {
					f.maximum = &m
				}
			case "minItems":
				f.minItems, _ = strconv.Atoi(val)
			case "maxItems":
				f.maxItems, _ = strconv.Atoi(val)
			case "minLength":
				f.minLength, _ = strconv.Atoi(val)
			}
		}
		si.fields = append(si.fields, f)
		si.byName[jsonName] = f
		si.names = append(si.names, jsonName)
	}
	actual, _ := structInfos.LoadOrStore(t, si)
	return actual.(*structInfo)
}

// parseInt reads a scalar the parser resolved as !!int: decimal, or 0x, 0o and 0b
// forms, as in YAML 1.2.
func parseInt(n *yaml.Node) (int64, error) {
	s := strings.ReplaceAll(n.Value, "_", "")
	if i, err := strconv.ParseInt(s, 0, 64); err == nil {
		return i, nil
	}
	var i int64
	err := n.Decode(&i) // forms strconv does not know, e.g. a leading "+" on hex
	return i, err
}

func nodePos(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// describe names what a node holds, for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the text %q", truncate(n.Value, 40))
	case "!!int", "!!float":
		return "the number " + truncate(n.Value, 40)
	case "!!bool":
		return n.Value
	case "!!null":
		return "null"
	case "!!timestamp":
		return "the date " + n.Value
	}
	return "a value tagged " + n.Tag
}

func name(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}

func where(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return truncate(s, 60)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest proposes the closest known key to a misspelt one.
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if dist := EditDistance(strings.ToLower(key), strings.ToLower(k)); dist < bestDist {
			best, bestDist = k, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// EditDistance is the Levenshtein distance of a and b, in bytes, for "did you
// mean" suggestions (of keys here, of flags in the command layer); past 64
// bytes a string names nothing and the distance is math.MaxInt.
func EditDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return math.MaxInt
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
