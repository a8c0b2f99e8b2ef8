package upgrades

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/atlas-release/atlas-release/releases"
)

// SetCustomerVersion changes the version of one entry of customers.yaml in
// its text: only the bytes of that version's scalar are replaced, in the
// scalar's own quoting style, so that comments, order, blank lines and every
// other line stay as people wrote them (the file is never marshalled again).
// It reports false, and src unchanged, when the entry already runs version.
// A file whose scalar is not where its parser says (or is written in a way
// this edit does not reproduce, such as escapes or a multi-line scalar) is
// refused rather than guessed at.
//
// An entry without a version (a customer being implemented, now deployed)
// gains a line "version: …" after its name (or id), indented like its other
// keys; a flow mapping is refused.
func SetCustomerVersion(src []byte, customer, version string) ([]byte, bool, error) {
	item, err := customerNode(src, customer)
	if err != nil {
		return nil, false, err
	}
	if !hasKey(item, "version") {
		return insertCustomerVersion(src, item, customer, version)
	}
	n, err := customerVersionNode(src, customer)
	if err != nil {
		return nil, false, err
	}
	if n.Value == version {
		return src, false, nil
	}
	start, err := offsetOf(src, n.Line, n.Column)
	if err != nil {
		return nil, false, err
	}
	var old, repl string
	switch n.Style {
	case 0:
		old, repl = n.Value, version
	case yaml.DoubleQuotedStyle:
		old, repl = `"`+n.Value+`"`, `"`+version+`"`
	case yaml.SingleQuotedStyle:
		old, repl = `'`+n.Value+`'`, `'`+version+`'`
	default:
		return nil, false, fmt.Errorf("%s: the version of %s (line %d) is a block scalar: write it on one line, e.g. version: %s", releases.CustomersFile, customer, n.Line, n.Value)
	}
	if !bytes.HasPrefix(src[start:], []byte(old)) {
		return nil, false, fmt.Errorf("%s: the version of %s at line %d, column %d is not written as %s: edit it by hand", releases.CustomersFile, customer, n.Line, n.Column, old)
	}
	end := start + len(old)
	// A plain scalar ends at the end of the line, a comment, or (in a flow
	// mapping) a comma or brace: anything else means the value was longer.
	if n.Style == 0 && end < len(src) && !bytes.ContainsAny(src[end:end+1], " \t\r\n,}#") {
		return nil, false, fmt.Errorf("%s: the version of %s at line %d is not written as %s: edit it by hand", releases.CustomersFile, customer, n.Line, old)
	}
	out := make([]byte, 0, len(src)-len(old)+len(repl))
	out = append(out, src[:start]...)
	out = append(out, repl...)
	out = append(out, src[end:]...)
	// The edit must say what was meant: the same document with only this value
	// changed.
	check, err := customerVersionNode(out, customer)
	if err != nil || check.Value != version {
		return nil, false, fmt.Errorf("%s: setting the version of %s to %s in place did not work: edit it by hand", releases.CustomersFile, customer, version)
	}
	return out, true, nil
}

// insertCustomerVersion adds "version: <version>" to an entry that has none,
// on a line of its own after the line of its name (or id) key.
func insertCustomerVersion(src []byte, item *yaml.Node, customer, version string) ([]byte, bool, error) {
	if item.Style&yaml.FlowStyle != 0 {
		return nil, false, fmt.Errorf("%s: %s is written as a flow mapping ({…}): add version: %s to it by hand", releases.CustomersFile, customer, version)
	}
	var key, val *yaml.Node
	for _, name := range []string{"name", "id"} {
		for i := 0; i+1 < len(item.Content); i += 2 {
			if k := item.Content[i]; k.Kind == yaml.ScalarNode && k.Value == name && key == nil {
				key, val = k, item.Content[i+1]
			}
		}
		if key != nil {
			break
		}
	}
	// The line after the key's must be where the entry goes on: a value on
	// the key's line, written on one line.
	if key == nil || val.Kind != yaml.ScalarNode || val.Line != key.Line || val.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil, false, fmt.Errorf("%s: %s has no one-line name or id to add its version after: add version: %s by hand", releases.CustomersFile, customer, version)
	}
	start, err := offsetOf(src, key.Line, 1)
	if err != nil {
		return nil, false, err
	}
	eol := bytes.IndexByte(src[start:], '\n')
	if eol < 0 {
		return nil, false, fmt.Errorf("%s: the entry of %s ends the file without a line break: add version: %s by hand", releases.CustomersFile, customer, version)
	}
	at := start + eol + 1
	nl := "\n"
	if eol > 0 && src[start+eol-1] == '\r' {
		nl = "\r\n"
	}
	line := strings.Repeat(" ", key.Column-1) + "version: " + version + nl
	out := make([]byte, 0, len(src)+len(line))
	out = append(out, src[:at]...)
	out = append(out, line...)
	out = append(out, src[at:]...)
	// The edit must say what was meant: the entry, with its version.
	check, err := customerVersionNode(out, customer)
	if err != nil || check.Value != version {
		return nil, false, fmt.Errorf("%s: adding the version of %s did not work: add version: %s by hand", releases.CustomersFile, customer, version)
	}
	return out, true, nil
}

// hasKey reports whether a mapping has a key, whatever its value.
func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return true
		}
	}
	return false
}

// customerVersionNode finds the scalar of customers[id=customer].version.
func customerVersionNode(src []byte, customer string) (*yaml.Node, error) {
	found, err := customerNode(src, customer)
	if err != nil {
		return nil, err
	}
	v := mappingValue(found, "version")
	if v == nil || v.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("%s: %s has no version to change", releases.CustomersFile, customer)
	}
	return v, nil
}

// customerNode finds the mapping of customers[id=customer].
func customerNode(src []byte, customer string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", releases.CustomersFile, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s is not a mapping", releases.CustomersFile)
	}
	list := mappingValue(doc.Content[0], "customers")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s has no list of customers", releases.CustomersFile)
	}
	var found *yaml.Node
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			continue
		}
		if id := mappingValue(item, "id"); id != nil && id.Kind == yaml.ScalarNode && id.Value == customer {
			if found != nil {
				return nil, fmt.Errorf("%s lists %s twice", releases.CustomersFile, customer)
			}
			found = item
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%s has no customer %s", releases.CustomersFile, customer)
	}
	return found, nil
}

// mappingValue is the value of a key in a mapping, nil for none (or for a key
// given twice, which the strict loader refuses anyway).
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	var v *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			if v != nil {
				return nil
			}
			v = m.Content[i+1]
		}
	}
	return v
}

// offsetOf turns the parser's line and column (1-based, the column counted in
// characters) into a byte offset.
func offsetOf(src []byte, line, column int) (int, error) {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return 0, fmt.Errorf("%s: line %d is past the end", releases.CustomersFile, line)
		}
		off += i + 1
	}
	for c := 1; c < column; c++ {
		if off >= len(src) || src[off] == '\n' {
			return 0, fmt.Errorf("%s: column %d is past the end of line %d", releases.CustomersFile, column, line)
		}
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	return off, nil
}
