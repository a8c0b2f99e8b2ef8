package releases

import "fmt"

// The YAML budget: how deep and how large a file may be before any YAML parser
// sees it. A YAML parser's memory grows with the nodes it builds, and the parser
// that positions syntax errors (goccy/go-yaml) grows with the square of the
// nesting depth: a few hundred kilobytes of "[[[[" took gigabytes. Real files are
// five or six levels deep and hold a few thousand values, so the limits are far
// above any real workspace and far below what costs memory.
const (
	// MaxYAMLDepth is the deepest nesting of mappings and lists (block and flow
	// together, with the one-pair mapping that "[a: b]" or "[? a]" makes of an
	// entry of a flow list) a YAML file may have.
	MaxYAMLDepth = 64
	// MaxYAMLNodes is the most YAML values (scalars, mappings, lists, aliases and
	// the empty values that indicators imply) a file may hold; 100 000 nodes cost
	// the parser about 25 MB.
	MaxYAMLNodes = 100_000
)

// budgetViolation is where and how a file exceeds the YAML budget.
type budgetViolation struct {
	pos Pos
	msg string
}

// yamlScan is a lexical pre-scan of YAML text that follows the token rules of
// libyaml (which go.yaml.in/yaml/v3 ports) closely enough to know, with memory
// that does not depend on the input, how deep the text nests and how many
// nodes it holds: it tracks the block indentation stack and the flow level the
// way the scanner does, and skips what cannot hold structure (comments, quoted
// scalars, block scalars, plain scalars over several lines) by the same rules.
// It never reports syntax errors: on text the parser rejects it carries on with
// a best guess, since the parser stops there anyway.
type yamlScan struct {
	src       []byte
	i         int
	line, col int // 1-based line; 0-based column in characters, as libyaml counts
	// indents is the block indentation stack; its top is libyaml's parser.indent.
	// indentless marks the levels holding a list written at the indentation of
	// its mapping ("key:" then "- item"), one level deeper that adds no indent.
	indents    []int
	indentless []bool
	depth      int // of the block and flow collections open
	flow       int
	nodes      int
	maxDepth   int
	maxNodes   int
	// deepest is the deepest nesting seen, for tests to compare with what the
	// parser builds.
	deepest int
	// simpleKeyAllowed and levels follow libyaml's simple keys, one possible
	// key for each flow level (levels[0] is the block context): a key written
	// "key:" opens a block mapping at the key's column, and inside a flow
	// list a one-pair mapping around the key.
	simpleKeyAllowed bool
	levels           []level
	// bareTags are the positions of the non-specific tag "!", which the parser
	// resolves away without a trace in its nodes.
	bareTags []Pos
	bad      *budgetViolation
}

// simpleKey is where a token that may turn out to be a key started.
type simpleKey struct {
	possible  bool
	line, col int
}

// level is the state of one flow level (or of the block context).
type level struct {
	key simpleKey
	// keyDeepest is the deepest nesting inside the possible key: a key turns
	// out to be one only at its ":", and the mapping it opens then holds what
	// the key holds, one level deeper than it was counted.
	keyDeepest int
	// deepest is the deepest nesting inside this flow collection.
	deepest int
	// list marks a flow list; pair marks the implicit one-pair mapping open in
	// it, which "[a: b]" and "[? a]" make of an entry (libyaml's
	// FLOW_SEQUENCE_ENTRY_MAPPING): one level and one node more.
	list, pair bool
}

// scanYAMLBudget checks src against a depth and a node budget (MaxYAMLDepth
// and MaxYAMLNodes for workspace files). It returns the first violation, if
// any, and the positions of non-specific "!" tags.
func scanYAMLBudget(src []byte, maxDepth, maxNodes int) (*budgetViolation, []Pos) {
	s := newYAMLScan(src, maxDepth, maxNodes)
	s.run()
	return s.bad, s.bareTags
}

func newYAMLScan(src []byte, maxDepth, maxNodes int) *yamlScan {
	return &yamlScan{src: src, line: 1, simpleKeyAllowed: true, levels: make([]level, 1, 8), maxDepth: maxDepth, maxNodes: maxNodes}
}

func (s *yamlScan) run() {
	for s.bad == nil {
		s.skipToToken()
		if s.i >= len(s.src) {
			return
		}
		if s.flow == 0 {
			s.unroll(s.col)
			if s.col == s.top() && !s.isBlockEntry() && s.indentless[len(s.indentless)-1] {
				// Anything but an item at the list's indentation ends the list.
				s.indentless[len(s.indentless)-1] = false
				s.depth--
			}
		}
		start := s.i
		s.token()
		if s.i == start {
			s.adv() // a character no token starts with: the parser fails here
		}
	}
}

// token scans one token, as libyaml's fetch_next_token dispatches on its first
// character.
func (s *yamlScan) token() {
	c := s.src[s.i]
	switch {
	case s.col == 0 && c == '%':
		s.skipLine()
	case s.col == 0 && (s.hasPrefix("---") || s.hasPrefix("...")) && s.blankz(s.i+3):
		s.unroll(-1)
		s.removeKey()
		s.node() // a document may be empty: one empty value
		s.simpleKeyAllowed = false
		s.i += 3
		s.col += 3
	case c == '[' || c == '{':
		s.saveKey()
		s.node()
		s.flow++
		s.depth++
		s.levels = append(s.levels, level{list: c == '[', deepest: s.depth})
		s.checkDepth(s.depth, s.pos())
		s.adv()
		s.simpleKeyAllowed = true
	case c == ']' || c == '}':
		if s.flow > 0 {
			s.closePair()
			child := s.levels[s.flow]
			s.levels = s.levels[:s.flow]
			s.flow--
			s.depth--
			parent := &s.levels[s.flow]
			parent.deepest = max(parent.deepest, child.deepest)
			if parent.key.possible {
				parent.keyDeepest = max(parent.keyDeepest, child.deepest)
			}
		}
		if c == '}' {
			s.node() // "{a}" implies an empty value
		}
		s.adv()
		s.simpleKeyAllowed = false
	case c == ',':
		s.removeKey()
		s.closePair()
		s.node() // "[a,,b]" and "{a,b}" imply empty values
		s.adv()
		s.simpleKeyAllowed = true
	case s.isBlockEntry():
		if s.flow == 0 && s.col == s.top() && !s.indentless[len(s.indentless)-1] {
			s.indentless[len(s.indentless)-1] = true
			s.depth++
			s.checkDepth(s.depth, s.pos())
		}
		s.roll(s.col, 0)
		s.removeKey()
		s.node()
		s.adv()
		s.simpleKeyAllowed = true
	case c == '?' && (s.flow > 0 || s.blankz(s.i+1)):
		s.roll(s.col, 0)
		s.removeKey()
		s.openPair(s.depth+1, s.pos())
		s.node()
		s.node() // "?" implies an empty key and an empty value
		s.adv()
		s.simpleKeyAllowed = s.flow == 0
	case c == ':' && (s.flow > 0 || s.blankz(s.i+1)):
		if l := s.levels[s.flow]; l.key.possible && l.key.line == s.line {
			s.roll(l.key.col, l.keyDeepest+1)
			s.openPair(max(s.depth+1, l.keyDeepest+1), Pos{Line: l.key.line, Col: l.key.col + 1})
		} else {
			s.roll(s.col, 0)
		}
		s.removeKey()
		s.node() // "key:" implies an empty value
		s.adv()
		s.simpleKeyAllowed = s.flow == 0
	case c == '*' || c == '&':
		s.saveKey()
		s.node()
		s.adv()
		s.name()
		s.simpleKeyAllowed = false
	case c == '!':
		s.saveKey()
		s.node() // a tag may stand for an empty value: "key: !!str"
		s.tag()
		s.simpleKeyAllowed = false
	case (c == '|' || c == '>') && s.flow == 0:
		s.removeKey()
		s.node()
		s.blockScalar()
		s.simpleKeyAllowed = true
	case c == '\'' || c == '"':
		s.saveKey()
		s.node()
		s.quoted(c)
		s.simpleKeyAllowed = false
	case c == ' ' || c == '\t':
		// A tab where indentation is expected: the parser rejects it.
	default:
		s.saveKey()
		s.node()
		s.plain()
	}
}

// skipToToken skips blanks, comments and line breaks, as scan_to_next_token.
func (s *yamlScan) skipToToken() {
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == ' ' || (c == '\t' && (s.flow > 0 || !s.simpleKeyAllowed)):
			s.adv()
		case c == '#':
			s.skipLine()
		case c == '\n' || c == '\r':
			s.lineBreak()
			if s.flow == 0 {
				s.simpleKeyAllowed = true
			}
		default:
			return
		}
	}
}

// plain scans a plain scalar, over several lines when the following lines are
// indented more than the enclosing block (scan_plain_scalar).
func (s *yamlScan) plain() {
	indent := s.top() + 1
	leadingBlanks := false
	for s.i < len(s.src) {
		if s.col == 0 && (s.hasPrefix("---") || s.hasPrefix("...")) && s.blankz(s.i+3) {
			break
		}
		if s.src[s.i] == '#' {
			break
		}
		for s.i < len(s.src) && !s.blankz(s.i) {
			c := s.src[s.i]
			if (c == ':' && s.blankz(s.i+1)) || (s.flow > 0 && (isFlowIndicator(c) || c == '?')) {
				break
			}
			s.adv()
		}
		if s.i >= len(s.src) || !isBlankOrBreak(s.src[s.i]) {
			break
		}
		for s.i < len(s.src) && isBlankOrBreak(s.src[s.i]) {
			if c := s.src[s.i]; c == ' ' || c == '\t' {
				s.adv()
			} else {
				s.lineBreak()
				leadingBlanks = true
			}
		}
		if s.flow == 0 && s.col < indent {
			break
		}
	}
	s.simpleKeyAllowed = leadingBlanks
}

// quoted scans a single- or double-quoted scalar, which may span lines.
func (s *yamlScan) quoted(q byte) {
	s.adv()
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == '\n' || c == '\r':
			s.lineBreak()
		case q == '\'' && c == '\'' && s.i+1 < len(s.src) && s.src[s.i+1] == '\'':
			s.i += 2
			s.col += 2
		case c == q:
			s.adv()
			return
		case q == '"' && c == '\\' && s.i+1 < len(s.src):
			s.adv()
			if n := s.src[s.i]; n == '\n' || n == '\r' {
				s.lineBreak()
			} else {
				s.adv()
			}
		default:
			s.adv()
		}
	}
}

// blockScalar scans a literal or folded block scalar: its header, then every
// line indented at least as much as its first line (scan_block_scalar).
func (s *yamlScan) blockScalar() {
	parent := s.top()
	s.adv()
	increment := 0
	for range 2 {
		if s.i >= len(s.src) {
			break
		}
		switch c := s.src[s.i]; {
		case c == '+' || c == '-':
			s.adv()
		case c >= '1' && c <= '9':
			increment = int(c - '0')
			s.adv()
		}
	}
	for s.i < len(s.src) && (s.src[s.i] == ' ' || s.src[s.i] == '\t') {
		s.adv()
	}
	if s.i < len(s.src) && s.src[s.i] == '#' {
		s.skipLine()
	}
	if s.i >= len(s.src) || !isBreak(s.src[s.i]) {
		return // not a block scalar header: the parser fails here
	}
	s.lineBreak()
	indent := 0
	if increment > 0 {
		indent = max(parent, 0) + increment
	}
	if !s.blockBreaks(&indent, parent) {
		return
	}
	for s.col == indent && s.i < len(s.src) {
		for s.i < len(s.src) && !isBreak(s.src[s.i]) {
			s.adv()
		}
		if s.i < len(s.src) {
			s.lineBreak()
		}
		if !s.blockBreaks(&indent, parent) {
			return
		}
	}
}

// blockBreaks skips the indentation and empty lines of a block scalar and fixes
// its indentation when it is not yet known (scan_block_scalar_breaks).
func (s *yamlScan) blockBreaks(indent *int, parent int) bool {
	maxIndent := 0
	for {
		for (*indent == 0 || s.col < *indent) && s.i < len(s.src) && s.src[s.i] == ' ' {
			s.adv()
		}
		maxIndent = max(maxIndent, s.col)
		if (*indent == 0 || s.col < *indent) && s.i < len(s.src) && s.src[s.i] == '\t' {
			return false // a tab in the indentation: the parser fails here
		}
		if s.i >= len(s.src) || !isBreak(s.src[s.i]) {
			break
		}
		s.lineBreak()
	}
	if *indent == 0 {
		*indent = max(maxIndent, parent+1, 1)
	}
	return true
}

// tag scans a tag and notes the non-specific tags "!" and "!<!>".
func (s *yamlScan) tag() {
	p := s.pos()
	start := s.i
	s.adv()
	if s.i < len(s.src) && s.src[s.i] == '<' {
		for s.i < len(s.src) && s.src[s.i] != '>' && !s.blankz(s.i) {
			s.adv()
		}
		if s.i < len(s.src) && s.src[s.i] == '>' {
			s.adv()
		}
	} else {
		s.name()
	}
	if t := string(s.src[start:s.i]); t == "!" || t == "!<!>" {
		s.bareTags = append(s.bareTags, p)
	}
}

// name skips an anchor, alias or tag name.
func (s *yamlScan) name() {
	for s.i < len(s.src) && !s.blankz(s.i) && (s.flow == 0 || !isFlowIndicator(s.src[s.i])) {
		s.adv()
	}
}

func (s *yamlScan) saveKey() {
	if s.simpleKeyAllowed {
		l := &s.levels[s.flow]
		l.key = simpleKey{true, s.line, s.col}
		l.keyDeepest = s.depth
	}
}

func (s *yamlScan) removeKey() { s.levels[s.flow].key.possible = false }

// openPair opens the implicit one-pair mapping a key makes of an entry of a
// flow list; the deepest nesting it makes is deepest, at p.
func (s *yamlScan) openPair(deepest int, p Pos) {
	l := &s.levels[s.flow]
	if s.flow == 0 || !l.list || l.pair {
		return
	}
	l.pair = true
	s.depth++
	s.node()
	s.checkDepth(deepest, p)
}

// closePair closes the implicit mapping at the end of a flow list's entry.
func (s *yamlScan) closePair() {
	if l := &s.levels[s.flow]; l.pair {
		l.pair = false
		s.depth--
	}
}

// roll opens a block collection at col when it is indented more than the
// current one (roll_indent). A key before it may nest keyDeepest levels once
// inside it.
func (s *yamlScan) roll(col, keyDeepest int) {
	if s.flow > 0 || s.top() >= col {
		return
	}
	s.indents = append(s.indents, col)
	s.indentless = append(s.indentless, false)
	s.depth++
	s.node()
	s.checkDepth(max(s.depth, keyDeepest), Pos{Line: s.line, Col: col + 1}) // keys are on one line
}

// unroll closes the block collections indented more than col (unroll_indent).
func (s *yamlScan) unroll(col int) {
	for len(s.indents) > 0 && s.top() > col {
		last := len(s.indents) - 1
		s.depth--
		if s.indentless[last] {
			s.depth--
		}
		s.indents, s.indentless = s.indents[:last], s.indentless[:last]
	}
}

func (s *yamlScan) top() int {
	if len(s.indents) == 0 {
		return -1
	}
	return s.indents[len(s.indents)-1]
}

func (s *yamlScan) node() {
	s.nodes++
	if s.nodes > s.maxNodes && s.bad == nil {
		s.bad = &budgetViolation{s.pos(), fmt.Sprintf("the file holds more than %d YAML values; split it or remove what it does not need", s.maxNodes)}
	}
}

// checkDepth notes a nesting depth reached at p.
func (s *yamlScan) checkDepth(depth int, p Pos) {
	s.deepest = max(s.deepest, depth)
	l := &s.levels[s.flow]
	l.deepest = max(l.deepest, depth)
	if depth > s.maxDepth && s.bad == nil {
		s.bad = &budgetViolation{p, fmt.Sprintf("mappings and lists are nested more than %d levels deep here", s.maxDepth)}
	}
}

func (s *yamlScan) pos() Pos { return Pos{Line: s.line, Col: s.col + 1} }

// adv moves past one byte; the column counts characters, not bytes.
func (s *yamlScan) adv() {
	if s.src[s.i]&0xC0 != 0x80 {
		s.col++
	}
	s.i++
}

// lineBreak moves past a line break: LF, CR LF or CR, as libyaml reads them.
func (s *yamlScan) lineBreak() {
	if s.src[s.i] == '\r' && s.i+1 < len(s.src) && s.src[s.i+1] == '\n' {
		s.i++
	}
	s.i++
	s.line++
	s.col = 0
}

// skipLine moves to the end of the line, before its line break.
func (s *yamlScan) skipLine() {
	for s.i < len(s.src) && !isBreak(s.src[s.i]) {
		s.adv()
	}
}

func (s *yamlScan) hasPrefix(p string) bool {
	return len(s.src)-s.i >= len(p) && string(s.src[s.i:s.i+len(p)]) == p
}

// isBlockEntry reports whether a list item "- " starts here.
func (s *yamlScan) isBlockEntry() bool { return s.src[s.i] == '-' && s.blankz(s.i+1) }

// blankz reports whether the byte at j is a blank, a line break or the end.
func (s *yamlScan) blankz(j int) bool { return j >= len(s.src) || isBlankOrBreak(s.src[j]) }

func isBreak(c byte) bool        { return c == '\n' || c == '\r' }
func isBlankOrBreak(c byte) bool { return c == ' ' || c == '\t' || isBreak(c) }
func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}
