package templates_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/atlas-release/atlas-release/templates"
)

// TestCommandLineHostileArguments: whatever an argument holds, it reaches the
// script as one string, exactly: no quote PowerShell knows can end it, nothing
// in it is expanded, and nothing invisible is shown raw.
func TestCommandLineHostileArguments(t *testing.T) {
	tests := []struct {
		name, arg, want string
	}{
		{"plain", "4.3.0", "4.3.0"},
		{"parameter", "-Version", "-Version"},
		{"relative path", "./atlas-backup", "./atlas-backup"},
		{"windows path", `C:\temp`, `C:\temp`},
		{"empty", "", "''"},
		{"blank", " ", "' '"},
		{"ascii quote", "it's", "'it''s'"},
		{"left single quotation mark", "it\u2018s", "'it\u2018\u2018s'"},
		{"right single quotation mark", "it\u2019s", "'it\u2019\u2019s'"},
		{"single low-9 quotation mark", "it\u201as", "'it\u201a\u201as'"},
		{"single high-reversed-9 quotation mark", "it\u201bs", "'it\u201b\u201bs'"},
		{"every quote, mixed", "'\u2018\u2019\u201a\u201b", "'''\u2018\u2018\u2019\u2019\u201a\u201a\u201b\u201b'"},
		{"quote at the start", "\u2019x", "'\u2019\u2019x'"},
		{"quote at the end", "x\u2018", "'x\u2018\u2018'"},
		{"only a quote", "\u201b", "'\u201b\u201b'"},
		{"breakout with a curly quote", "x\u2019; Remove-Item -Recurse C:\\; \u2019", "'x\u2019\u2019; Remove-Item -Recurse C:\\; \u2019\u2019'"},
		{"subexpression", "$(Remove-Item C:\\)", "'$(Remove-Item C:\\)'"},
		{"variable", "$env:TEMP", "'$env:TEMP'"},
		{"backticks", "`$x`n`", "'`$x`n`'"},
		{"double quotes", "\"x\" \u201cy\u201d \u201ez\u201f", "'\"x\" \u201cy\u201d \u201ez\u201f'"},
		{"placeholder", "<tenant>", "'<tenant>'"},
		{"statement separator", "a;b", "'a;b'"},
		{"pipe and call", "a|&b", "'a|&b'"},
		{"comment", "#x", "'#x'"},
		{"splat", "@args", "'@args'"},
		{"stop parsing", "--%", "'--%'"},
		{"en dash parameter", "\u2013Force", "'\u2013Force'"},
		{"newline", "a\nb", "('a' + [char]0x0A + 'b')"},
		{"carriage return and newline", "a\r\nb", "('a' + [char]0x0D + [char]0x0A + 'b')"},
		{"newline first", "\nx", "('' + [char]0x0A + 'x')"},
		{"only controls", "\r\n", "('' + [char]0x0D + [char]0x0A)"},
		{"NUL", "a\x00", "('a' + [char]0x00)"},
		{"escape sequence", "\x1b[2Jx", "('' + [char]0x1B + '[2Jx')"},
		{"C1 control", "a\u0085b", "('a' + [char]0x85 + 'b')"},
		{"right-to-left override", "a\u202eb", "('a' + [char]0x202E + 'b')"},
		{"line separator", "a\u2028b", "('a' + [char]0x2028 + 'b')"},
		{"zero width space", "a\u200bb", "('a' + [char]0x200B + 'b')"},
		{"tag character", "a\U000E0041", "('a' + [char]::ConvertFromUtf32(0xE0041))"},
		{"not UTF-8", "a\xffb", "('a' + [char]0xFFFD + 'b')"},
		{"quote next to a control", "'\n'", "('''' + [char]0x0A + '''')"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := templates.CommandLine("scripts/x.ps1", []string{"-Name", tc.arg})
			if want := "./scripts/x.ps1 -Name " + tc.want; got != want {
				t.Fatalf("CommandLine(%q)\n got %s\nwant %s", tc.arg, got, want)
			}
			script, args, err := parsePowerShell(got)
			want := strings.ToValidUTF8(tc.arg, "\uFFFD")
			if err != nil || script != "./scripts/x.ps1" || len(args) != 2 || args[1] != want {
				t.Fatalf("PowerShell reads %s as %q %q (%v), not the argument %q", got, script, args, err, want)
			}
		})
	}
}

func TestCommandLineScriptPath(t *testing.T) {
	tests := []struct {
		script, want string
	}{
		{"", ""},
		{"scripts/Deploy-AtlasBackend.ps1", "./scripts/Deploy-AtlasBackend.ps1"},
		{"scripts/a b.ps1", "& './scripts/a b.ps1'"},
		{"scripts/x;calc.ps1", "& './scripts/x;calc.ps1'"},
		{"scripts/$(calc).ps1", "& './scripts/$(calc).ps1'"},
		{"scripts/it\u2019s.ps1", "& './scripts/it\u2019\u2019s.ps1'"},
		{"scripts/a`b.ps1", "& './scripts/a`b.ps1'"},
		{"scripts/a\nb.ps1", "& ('./scripts/a' + [char]0x0A + 'b.ps1')"},
	}
	for _, tc := range tests {
		got := templates.CommandLine(tc.script, []string{"-Tenant", "<tenant>"})
		if tc.script == "" {
			if got != "" {
				t.Errorf("no script: %q", got)
			}
			continue
		}
		if want := tc.want + " -Tenant '<tenant>'"; got != want {
			t.Errorf("CommandLine(%q) = %s, want %s", tc.script, got, want)
		}
		script, args, err := parsePowerShell(got)
		if err != nil || script != "./"+tc.script || !slices.Equal(args, []string{"-Tenant", "<tenant>"}) {
			t.Errorf("PowerShell reads %s as %q %q (%v)", got, script, args, err)
		}
	}
}

// FuzzCommandLine: whatever the script path and arguments, PowerShell reads
// the command line back as exactly them, and it shows nothing invisible.
func FuzzCommandLine(f *testing.F) {
	f.Add("scripts/x.ps1", "it\u2019s", "$(calc)", "a\nb")
	f.Add("scripts/a b.ps1", "", "'\u2018\u2019\u201a\u201b", "\x00\u202e")
	f.Add("scripts/x.ps1", "-Version", "4.3.0", "`\"")
	f.Fuzz(func(t *testing.T, script, a1, a2, a3 string) {
		if script == "" {
			return
		}
		script, args := strings.ToValidUTF8(script, "\uFFFD"), []string{strings.ToValidUTF8(a1, "\uFFFD"), strings.ToValidUTF8(a2, "\uFFFD"), strings.ToValidUTF8(a3, "\uFFFD")}
		line := templates.CommandLine(script, args)
		for _, r := range line {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x202e || r == 0x2028 {
				t.Fatalf("%q shows %U raw", line, r)
			}
		}
		gotScript, gotArgs, err := parsePowerShell(line)
		if err != nil || gotScript != "./"+script || !slices.Equal(gotArgs, args) {
			t.Fatalf("PowerShell reads %s as %q %q (%v), not %q %q", line, gotScript, gotArgs, err, script, args)
		}
	})
}

// parsePowerShell reads a command line as PowerShell's tokenizer reads the
// forms CommandLine writes: bare words up to a blank; single-quoted strings,
// which any of PowerShell's five single quotes ends unless it is doubled; and
// parenthesized concatenations of such strings and [char] codes. It fails on
// anything else, so a line that would make PowerShell do something other than
// pass strings fails here.
func parsePowerShell(line string) (script string, args []string, err error) {
	p := &psParser{s: line}
	call := strings.HasPrefix(line, "& ")
	if call {
		p.i = 2
	}
	var words []string
	for p.i < len(p.s) {
		w, err := p.word(call && len(words) == 0)
		if err != nil {
			return "", nil, err
		}
		words = append(words, w)
		if p.i < len(p.s) {
			if p.s[p.i] != ' ' {
				return "", nil, fmt.Errorf("%q continues after a word at %d", line, p.i)
			}
			p.i++
		}
	}
	if len(words) == 0 {
		return "", nil, errors.New("empty command line")
	}
	return words[0], words[1:], nil
}

type psParser struct {
	s string
	i int
}

func (p *psParser) peek() (rune, int) { return utf8.DecodeRuneInString(p.s[p.i:]) }

func isQuote(r rune) bool { return strings.ContainsRune("'\u2018\u2019\u201a\u201b", r) }

func (p *psParser) word(quotedScript bool) (string, error) {
	r, _ := p.peek()
	switch {
	case isQuote(r):
		return p.quoted()
	case r == '(':
		return p.concatenation()
	case quotedScript:
		return "", errors.New("the call operator runs a string")
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ' ' {
		r, n := p.peek()
		// A comma makes an array of the words it joins; the plain arguments
		// of CommandLine are as typed, so this is the author's to choose.
		if strings.ContainsRune("'\"`$;|&(){}@#<>\u2018\u2019\u201a\u201b\u201c\u201d\u201e", r) {
			return "", fmt.Errorf("a bare word holds %q, which PowerShell interprets", r)
		}
		p.i += n
	}
	return p.s[start:p.i], nil
}

func (p *psParser) quoted() (string, error) {
	p.i += len(string(mustRune(p.peek())))
	var b strings.Builder
	for p.i < len(p.s) {
		r, n := p.peek()
		p.i += n
		if !isQuote(r) {
			b.WriteRune(r)
			continue
		}
		if next, m := p.peek(); p.i < len(p.s) && isQuote(next) {
			// PowerShell keeps the second of two quotes, whichever they are.
			b.WriteRune(next)
			p.i += m
			continue
		}
		return b.String(), nil
	}
	return "", errors.New("a quoted string does not end")
}

func mustRune(r rune, _ int) rune { return r }

func (p *psParser) concatenation() (string, error) {
	p.i++ // (
	var b strings.Builder
	for first := true; ; first = false {
		r, _ := p.peek()
		switch {
		case isQuote(r):
			s, err := p.quoted()
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		case first:
			return "", errors.New("a concatenation must start with a string, or + adds numbers")
		case strings.HasPrefix(p.s[p.i:], "[char]::ConvertFromUtf32(0x"):
			p.i += len("[char]::ConvertFromUtf32(0x")
			end := strings.IndexByte(p.s[p.i:], ')')
			if end < 0 {
				return "", errors.New("unclosed ConvertFromUtf32")
			}
			n, err := strconv.ParseUint(p.s[p.i:p.i+end], 16, 32)
			if err != nil || n <= 0xFFFF {
				return "", fmt.Errorf("bad code %q", p.s[p.i:p.i+end])
			}
			b.WriteRune(rune(n))
			p.i += end + 1
		case strings.HasPrefix(p.s[p.i:], "[char]0x"):
			p.i += len("[char]0x")
			j := p.i
			for j < len(p.s) && strings.IndexByte("0123456789ABCDEF", p.s[j]) >= 0 {
				j++
			}
			n, err := strconv.ParseUint(p.s[p.i:j], 16, 16)
			if err != nil {
				return "", fmt.Errorf("bad char code %q", p.s[p.i:j])
			}
			b.WriteRune(rune(n))
			p.i = j
		default:
			return "", fmt.Errorf("unexpected %q in a concatenation", p.s[p.i:])
		}
		switch {
		case strings.HasPrefix(p.s[p.i:], " + "):
			p.i += 3
		case strings.HasPrefix(p.s[p.i:], ")"):
			p.i++
			return b.String(), nil
		default:
			return "", fmt.Errorf("unexpected %q in a concatenation", p.s[p.i:])
		}
	}
}
