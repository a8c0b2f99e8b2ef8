package releases

import "fmt"

// Pos is a 1-based line and column in a source file. The zero Pos means "the file
// as a whole".
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"column"`
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Loc records where a decoded mapping and each of its values were written, so that
// every diagnostic, however late it is found, points at the exact place.
// The loader fills it in; values built in code have an empty Loc.
type Loc struct {
	pos Pos
	// fields is short (a mapping's keys and its lists' items), written once
	// and rarely read: a slice searched from the end costs far less than a map.
	fields []fieldPos
}

type fieldPos struct {
	path string
	pos  Pos
}

// Pos is where the mapping itself starts.
func (l Loc) Pos() Pos { return l.pos }

// PosOf is where the value of a field ("role") or an item of a list field
// ("dependsOn.2") was written. A value that was not written at all points at the
// mapping that should have held it.
func (l Loc) PosOf(path string) Pos {
	for i := len(l.fields) - 1; i >= 0; i-- {
		if l.fields[i].path == path {
			return l.fields[i].pos
		}
	}
	return l.pos
}

// Has reports whether a field was written (even as null).
func (l Loc) Has(field string) bool {
	for _, f := range l.fields {
		if f.path == field {
			return true
		}
	}
	return false
}

// record notes where a field or list item was written; a later record of the
// same path wins.
func (l *Loc) record(path string, p Pos) {
	l.fields = append(l.fields, fieldPos{path, p})
}
