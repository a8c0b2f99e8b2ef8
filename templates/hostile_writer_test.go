package templates

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/atlas-release/atlas-release/releases"
)

// writerInputs are outputs a template may produce, clean and hostile.
var writerInputs = []string{
	"# Atlas 4.3.0\n\n\tindented\r\nline\n",
	"emoji 👩\u200d💻, keycap 1\ufe0f\u20e3, heart ❤\ufe0f\u200d🔥, Persian می\u200cخواهم",
	"accents café, ß, Ω, 中文, العربية, replacement \ufffd",
	"esc \x1b[2J",
	"osc \x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
	"bell \a",
	"c1 csi \u009b31m",
	"raw c1 byte \x9b31m",
	"rtl \u202etxt.exe",
	"joiner between ASCII a\u200db",
	"joiner at the end é\u200d",
	"\u200dé joiner at the start",
	"bom \ufeff",
	"variation selector after a letter a\ufe0f",
	"tag \U000E0041",
	"private use \ue000",
	"noncharacter \uffff",
	"braille blank \u2800",
	"truncated \xe2\x80",
	"invalid \xff byte",
	"delete \x7f",
	"null \x00",
	"joiner before a refused character 👩\u200d\uf505",
}

// TestCheckedWriterAgreesWithFindUnsafeText writes each input in one piece,
// byte by byte and split at every point, and expects what the file check
// says: clean text passes through unchanged, and of hostile text only what
// comes before the first refused character is passed on.
func TestCheckedWriterAgreesWithFindUnsafeText(t *testing.T) {
	for _, in := range writerInputs {
		checkWriterOn(t, []byte(in))
	}
}

func checkWriterOn(t *testing.T, in []byte) {
	t.Helper()
	_, _, bad := releases.FindUnsafeText(in)
	splits := [][]int{{}, {len(in) / 2}}
	for i := 1; i < len(in) && len(in) < 200; i++ {
		splits = append(splits, []int{i})
	}
	var each []int
	for i := 1; i < len(in) && len(in) < 200; i++ {
		each = append(each, i)
	}
	splits = append(splits, each)
	for _, cuts := range splits {
		var out bytes.Buffer
		cw := &checkedWriter{w: &out, line: 1, col: 1}
		var err error
		last := 0
		for _, c := range append(cuts, len(in)) {
			if _, err = cw.Write(in[last:c]); err != nil {
				break
			}
			last = c
		}
		if err == nil {
			err = cw.close()
		}
		switch {
		case bad && err == nil:
			t.Fatalf("%q (cut at %v): passed, want refused", in, cuts)
		case !bad && err != nil:
			t.Fatalf("%q (cut at %v): %v", in, cuts, err)
		case !bad && !bytes.Equal(out.Bytes(), in):
			t.Fatalf("%q (cut at %v): wrote %q", in, cuts, out.Bytes())
		case bad && !bytes.HasPrefix(in, out.Bytes()):
			t.Fatalf("%q (cut at %v): wrote %q, not a prefix of the input", in, cuts, out.Bytes())
		case bad:
			if p, _, _ := releases.FindUnsafeText(in); out.Len() > offsetOf(in, p) {
				t.Fatalf("%q (cut at %v): passed on %q, beyond the refused character at %v", in, cuts, out.Bytes(), p)
			}
			if strings.ContainsAny(err.Error(), "\x1b\a\u202e\u200d\ufeff") {
				t.Fatalf("the error carries the character: %q", err)
			}
		}
	}
}

// offsetOf is the byte offset of a position in text, whose columns count
// characters (an invalid byte counts as one).
func offsetOf(in []byte, p releases.Pos) int {
	line, col := 1, 1
	for i := 0; i < len(in); {
		if line == p.Line && col == p.Col {
			return i
		}
		_, size := utf8.DecodeRune(in[i:])
		if in[i] == '\n' {
			line, col = line+1, 0
		}
		i += size
		col++
	}
	return len(in)
}

// FuzzCheckedWriter checks the writer against the file check on arbitrary
// output, cut into writes at arbitrary points.
func FuzzCheckedWriter(f *testing.F) {
	for _, in := range writerInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 200 {
			in = in[:200]
		}
		checkWriterOn(t, in)
	})
}

// TestCheckedWriterPositions checks the line and column the error gives.
func TestCheckedWriterPositions(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a\nbé\x1b", "U+001B ESCAPE at line 2, column 3"},
		{"one\ntwo\nthr\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE at line 3, column 4"},
		{"x a\u200db", "U+200D ZERO WIDTH JOINER at line 1, column 4"},
		{"\xff", "the invalid UTF-8 byte 0xff at line 1, column 1"},
	} {
		cw := &checkedWriter{w: &bytes.Buffer{}, line: 1, col: 1}
		_, err := cw.Write([]byte(tt.in))
		if err == nil {
			err = cw.close()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.in, err, tt.want)
		}
	}
}
