package releases

import "fmt"

// Pos is a 1-based line and column in a source file. The zero Pos means "the file
// as a whole".
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"column"`
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Less orders positions from the top of a file down.
func (p Pos) Less(q Pos) bool {
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Loc records where a decoded mapping and each of its values were written, so that
// every diagnostic, however late it is found, points at the exact place.
// The loader fills it in; values built in code have an empty Loc.
type Loc struct {
	pos    Pos
	fields map[string]Pos
}

// Pos is where the mapping itself starts.
func (l Loc) Pos() Pos { return l.pos }

// PosOf is where the value of a field ("role") or an item of a list field
// ("dependsOn.2") was written. A value that was not written at all points at the
// mapping that should have held it.
func (l Loc) PosOf(path string) Pos {
	if p, ok := l.fields[path]; ok {
		return p
	}
	return l.pos
}

// Has reports whether a field was written (even as null).
func (l Loc) Has(field string) bool {
	_, ok := l.fields[field]
	return ok
}

func (l *Loc) record(path string, p Pos) {
	if l.fields == nil {
		l.fields = make(map[string]Pos, 16)
	}
	l.fields[path] = p
}

// At returns a Loc whose mapping is at p; tests and generated values use it.
func At(line, col int) Loc { return Loc{pos: Pos{Line: line, Col: col}} }
