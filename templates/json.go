package templates

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// WriteJSON writes v as JSON indented by two spaces, without HTML escaping, ending
// in a newline: the same bytes as json.MarshalIndent, in one pass. The encoder's
// compact output goes straight through an indenter into a buffered writer, so
// that no indented copy of the document is built and nothing is scanned twice:
// encoding/json's own indenting rescans its output with its full validating
// scanner, which dominates the cost of large documents such as runbooks, and the
// output of the encoder needs no validation, only indentation.
func WriteJSON(w io.Writer, v any) error {
	if rb, ok := v.(*Runbook); ok {
		return writeRunbookJSON(w, rb)
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	ind := &indenter{w: bw}
	enc := json.NewEncoder(ind)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}

// indenter indents the valid, compact JSON written to it (one value per Encode,
// each ending in a newline) by two spaces. Empty objects and arrays stay on one
// line, as json.Indent leaves them. It keeps its state between writes, since a
// token can be split across them.
type indenter struct {
	w     *bufio.Writer
	depth int
	// inString and escaped track a string being copied.
	inString, escaped bool
	// opened holds a '{' or '[' whose line break waits for the next byte: none
	// if the container is empty.
	opened byte
}

func (ind *indenter) Write(p []byte) (int, error) {
	w := ind.w
	for i := 0; i < len(p); i++ {
		c := p[i]
		if ind.inString {
			// Copy the rest of the string in one go.
			j := i
			for ; j < len(p); j++ {
				if ind.escaped {
					ind.escaped = false
					continue
				}
				if p[j] == '\\' {
					ind.escaped = true
				} else if p[j] == '"' {
					ind.inString = false
					break
				}
			}
			if j == len(p) {
				j--
			}
			_, _ = w.Write(p[i : j+1])
			i = j
			continue
		}
		if ind.opened != 0 {
			open := ind.opened
			ind.opened = 0
			if c == '}' || c == ']' {
				_ = w.WriteByte(open)
				_ = w.WriteByte(c)
				continue
			}
			_ = w.WriteByte(open)
			ind.depth++
			ind.newline()
		}
		switch c {
		case '"':
			ind.inString = true
			_ = w.WriteByte(c)
		case '{', '[':
			ind.opened = c
		case '}', ']':
			ind.depth--
			ind.newline()
			_ = w.WriteByte(c)
		case ',':
			_ = w.WriteByte(',')
			ind.newline()
		case ':':
			_, _ = w.WriteString(": ")
		default:
			// Copy a run of plain bytes (numbers, literals) in one go.
			j := i + 1
			for j < len(p) && !structural[p[j]] {
				j++
			}
			_, _ = w.Write(p[i:j])
			i = j - 1
		}
	}
	// The buffered writer keeps its first error and returns it from Flush.
	return len(p), nil
}

// structural marks the bytes that end a run of plain bytes outside strings.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, ',': true, ':': true}

// indentation is a line break and the spaces of the shallower levels, sliced.
var indentation = "\n" + strings.Repeat("  ", 32)

func (ind *indenter) newline() {
	if n := 1 + 2*ind.depth; n <= len(indentation) {
		_, _ = ind.w.WriteString(indentation[:n])
		return
	}
	_ = ind.w.WriteByte('\n')
	for range ind.depth {
		_, _ = ind.w.WriteString("  ")
	}
}

// writeRunbookJSON writes a runbook as WriteJSON does, byte for byte, without
// reflection: the runbooks of every path of a large workspace are gigabytes of
// JSON, and encoding/json's reflection and the indenter were the largest part
// of rendering them. The fields are written in the order, with the names and
// the omitempty rules, of the struct tags of Runbook and the types it holds;
// TestRunbookJSONMatchesEncodingJSON fills every field of random runbooks by
// reflection and compares with encoding/json, so that a field added to those
// types and not here fails it.
func writeRunbookJSON(w io.Writer, rb *Runbook) error {
	buf := jsonBuffers.Get().(*[]byte)
	j := &jsonWriter{w: w, b: (*buf)[:0], first: true}
	defer func() {
		if cap(j.b) <= 4*jsonFlushAt { // a buffer grown by a huge field is not kept
			*buf = j.b[:0]
			jsonBuffers.Put(buf)
		}
	}()
	j.open('{')
	j.int("schemaVersion", rb.SchemaVersion)
	j.str("generator", rb.Generator)
	j.key("product")
	j.open('{')
	j.str("id", rb.Product.ID)
	j.str("name", rb.Product.Name)
	j.strOmit("vendor", rb.Product.Vendor)
	j.strOmit("supportUrl", rb.Product.SupportURL)
	j.close('}')
	j.str("bundle", rb.Bundle)
	if rb.Install {
		j.bool("install", rb.Install)
	}
	j.strOmit("base", rb.Base)
	j.strOmit("from", rb.From)
	j.str("to", rb.To)
	jsonList(j, "releases", rb.Releases, func(r *Release) {
		j.str("version", r.Version)
		j.str("kind", r.Kind)
		j.str("releaseDate", r.ReleaseDate)
		j.strOmit("codename", r.Codename)
		j.bool("requiredStop", r.RequiredStop)
		j.str("changeType", r.ChangeType)
		j.str("summary", r.Summary)
		j.int("hop", r.Hop)
	})
	jsonList(j, "hops", rb.Hops, func(h *Hop) {
		j.int("number", h.Number)
		j.strOmit("from", h.From)
		j.str("to", h.To)
		j.strs("releases", h.Releases)
		if len(h.Steps) > 0 {
			jsonList(j, "steps", h.Steps, j.step)
		}
		j.figureFields(&h.Figures)
	})
	jsonList(j, "prerequisites", rb.Prerequisites, func(p *Prerequisite) {
		j.str("id", p.ID)
		j.str("version", p.Version)
		j.str("before", p.Before)
		j.str("title", p.Title)
		j.str("role", p.Role)
		j.str("roleName", p.RoleName)
		j.int("effortMinutes", p.EffortMinutes)
		j.int("leadTimeDays", p.LeadTimeDays)
		j.str("details", p.Details)
		j.str("verify", p.Verify)
		j.bool("blocking", p.Blocking)
	})
	j.key("total")
	j.open('{')
	j.figureFields(&rb.Total)
	j.close('}')
	jsonList(j, "roles", rb.Roles, func(r *Role) {
		j.str("id", r.ID)
		j.str("name", r.Name)
		j.strsOmit("entraRoles", r.EntraRoles)
		j.strsOmit("extraRights", r.ExtraRights)
		j.bool("pimLikely", r.PIMLikely)
		j.strOmit("source", r.Source)
		j.strOmit("checked", r.Checked)
	})
	jsonList(j, "accounting", rb.Accounting, func(f *Fate) {
		j.str("version", f.Version)
		j.str("step", f.Step)
		j.str("fate", f.Fate)
		j.int("hop", f.Hop)
		j.strOmit("by", f.By)
		j.strOmit("origin", f.Origin)
	})
	j.close('}')
	j.b = append(j.b, '\n')
	return j.flush()
}

func (j *jsonWriter) step(s *Step) {
	j.int("number", s.Number)
	j.str("anchor", s.Anchor)
	j.str("id", s.ID)
	j.str("version", s.Version)
	j.strOmit("origin", s.Origin)
	j.str("title", s.Title)
	j.str("phase", s.Phase)
	j.str("kind", s.Kind)
	j.str("role", s.Role)
	j.str("roleName", s.RoleName)
	j.strOmit("script", s.Script)
	j.strsOmit("args", s.Args)
	j.strOmit("commandLine", s.CommandLine)
	j.int("handsOnMinutes", s.HandsOnMinutes)
	j.key("elapsedMinutes")
	j.open('{')
	j.int("estimate", s.ElapsedMinutes.Estimate)
	j.int("max", s.ElapsedMinutes.Max)
	j.close('}')
	j.int("startMinute", s.StartMinute)
	j.int("finishMinute", s.FinishMinute)
	j.strsOmit("after", s.After)
	j.strsOmit("causesOutage", s.CausesOutage)
	j.strsOmit("grants", s.Grants)
	j.strOmit("details", s.Details)
	j.str("verify", s.Verify)
	j.key("rollback")
	j.open('{')
	j.strOmit("instructions", s.Rollback.Instructions)
	j.strOmit("none", s.Rollback.None)
	j.close('}')
	j.bool("pointOfNoReturn", s.PointOfNoReturn)
	j.str("repeat", s.Repeat)
	j.strsOmit("replaces", s.Replaces)
	j.int("globalAdminBlock", s.GlobalAdminBlock)
}

// figureFields writes the members of a Figures into the object open: a hop's
// figures are inlined (Figures is embedded), the total's are an object.
func (j *jsonWriter) figureFields(f *Figures) {
	j.int("handsOnMinutes", f.HandsOnMinutes)
	jsonList(j, "handsOn", f.HandsOn, func(r *RoleMinutes) {
		j.str("role", r.Role)
		j.str("name", r.Name)
		j.int("minutes", r.Minutes)
	})
	j.int("prerequisiteMinutes", f.PrerequisiteMinutes)
	j.key("window")
	j.open('{')
	j.int("estimateMinutes", f.Window.EstimateMinutes)
	j.int("maxMinutes", f.Window.MaxMinutes)
	j.close('}')
	jsonList(j, "outages", f.Outages, func(o *Outage) {
		j.str("feature", o.Feature)
		j.str("name", o.Name)
		j.int("minMinutes", o.MinMinutes)
		j.int("maxMinutes", o.MaxMinutes)
		j.strs("causedBy", o.CausedBy)
		j.strs("messages", o.Messages)
	})
	j.key("contentFreeze")
	j.open('{')
	j.str("decision", f.ContentFreeze.Decision)
	j.strsOmit("reasons", f.ContentFreeze.Reasons)
	j.int("startMinute", f.ContentFreeze.StartMinute)
	j.int("endMinute", f.ContentFreeze.EndMinute)
	j.int("spanMinutes", f.ContentFreeze.SpanMinutes)
	j.close('}')
	jsonList(j, "presence", f.Presence, func(p *Presence) {
		j.str("role", p.Role)
		j.str("name", p.Name)
		j.strsOmit("entraRoles", p.EntraRoles)
		j.strsOmit("extraRights", p.ExtraRights)
		j.bool("pimLikely", p.PIMLikely)
		j.bool("beforeWindow", p.BeforeWindow)
		j.bool("inWindow", p.InWindow)
		j.int("fromMinute", p.FromMinute)
		j.int("toMinute", p.ToMinute)
		j.int("handsOnMinutes", p.HandsOnMinutes)
		j.strs("steps", p.Steps)
	})
	jsonList(j, "globalAdminBlocks", f.GlobalAdmin, func(b *AdminBlock) {
		j.strs("steps", b.Steps)
		j.int("startMinute", b.StartMinute)
		j.int("endMinute", b.EndMinute)
	})
	if len(f.Phases) > 0 {
		jsonList(j, "phases", f.Phases, func(p *PhaseSummary) {
			j.str("phase", p.Phase)
			j.int("steps", p.Steps)
			j.int("handsOnMinutes", p.HandsOnMinutes)
		})
	}
}

// jsonFlushAt is how much output jsonWriter holds before writing it out.
const jsonFlushAt = 32 << 10

// jsonBuffers are the buffers writeRunbookJSON appends into: rendering every
// path writes hundreds of JSON runbooks, and a buffer each added to what the
// collector has to clear.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, jsonFlushAt+4<<10); return &b }}

// jsonWriter appends indented JSON, as json.MarshalIndent with two spaces and
// no HTML escaping lays it out, and writes it out in chunks.
type jsonWriter struct {
	w     io.Writer
	b     []byte
	depth int
	// first is set after an open: the next member is the container's first.
	first bool
	err   error
}

func (j *jsonWriter) open(c byte) {
	j.b = append(j.b, c)
	j.depth++
	j.first = true
}

// close ends a container; an empty one stays on one line, as json.Indent
// leaves it.
func (j *jsonWriter) close(c byte) {
	j.depth--
	if !j.first {
		j.newline()
	}
	j.b = append(j.b, c)
	j.first = false
}

// next starts a member or an element: a comma after the previous one, and its
// line.
func (j *jsonWriter) next() {
	if !j.first {
		j.b = append(j.b, ',')
	}
	j.first = false
	if len(j.b) >= jsonFlushAt {
		_ = j.flush()
	}
	j.newline()
}

func (j *jsonWriter) newline() {
	if n := 1 + 2*j.depth; n <= len(indentation) {
		j.b = append(j.b, indentation[:n]...)
		return
	}
	j.b = append(j.b, '\n')
	for range j.depth {
		j.b = append(j.b, "  "...)
	}
}

// flush writes out what is held; the first error sticks.
func (j *jsonWriter) flush() error {
	if j.err == nil {
		_, j.err = j.w.Write(j.b)
	}
	j.b = j.b[:0]
	return j.err
}

// key starts a member; k is a struct tag's name, which needs no escaping.
func (j *jsonWriter) key(k string) {
	j.next()
	j.b = append(j.b, '"')
	j.b = append(j.b, k...)
	j.b = append(j.b, '"', ':', ' ')
}

func (j *jsonWriter) str(k, v string) {
	j.key(k)
	j.b = appendJSONString(j.b, v)
}

func (j *jsonWriter) strOmit(k, v string) {
	if v != "" {
		j.str(k, v)
	}
}

func (j *jsonWriter) int(k string, v int) {
	j.key(k)
	j.b = strconv.AppendInt(j.b, int64(v), 10)
}

func (j *jsonWriter) bool(k string, v bool) {
	j.key(k)
	j.b = strconv.AppendBool(j.b, v)
}

// strs writes a list of strings: null when nil, as encoding/json does.
func (j *jsonWriter) strs(k string, v []string) {
	j.key(k)
	if v == nil {
		j.b = append(j.b, "null"...)
		return
	}
	j.open('[')
	for _, s := range v {
		j.next()
		j.b = appendJSONString(j.b, s)
	}
	j.close(']')
}

func (j *jsonWriter) strsOmit(k string, v []string) {
	if len(v) > 0 {
		j.strs(k, v)
	}
}

// jsonList writes a list of objects, each one's members by member: null when
// nil, as encoding/json does.
func jsonList[T any](j *jsonWriter, k string, v []T, member func(*T)) {
	j.key(k)
	if v == nil {
		j.b = append(j.b, "null"...)
		return
	}
	j.open('[')
	for i := range v {
		j.next()
		j.open('{')
		member(&v[i])
		j.close('}')
	}
	j.close(']')
}

// appendJSONString appends s quoted as encoding/json quotes a string without
// HTML escaping: \" and \\, the short escapes of \b \f \n \r \t, \u00XX for the
// other control bytes, U+FFFD for each byte of invalid UTF-8, and \u2028 and
// \u2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
