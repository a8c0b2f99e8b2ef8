package releases

import (
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// schemaRoots are the types of every file a workspace holds.
var schemaRoots = []any{Config{}, Manifest{}, Customers{}, Language{}, ReleaseTranslation{}, History{}}

// boundedFields calls fn for every field of the schemas, once each.
func boundedFields(fn func(t reflect.Type, f reflect.StructField, info *fieldInfo)) {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t == locType {
			return
		}
		seen[t] = true
		si := structInfoFor(t)
		for _, info := range si.fields {
			f := t.Field(info.index)
			fn(t, f, info)
			walk(f.Type)
		}
	}
	for _, r := range schemaRoots {
		walk(reflect.TypeOf(r))
	}
}

// TestEveryCountAndDurationIsBounded keeps every number people write bounded,
// in the loader and in the JSON Schema (both read the same tags).
func TestEveryCountAndDurationIsBounded(t *testing.T) {
	n := 0
	boundedFields(func(st reflect.Type, f reflect.StructField, info *fieldInfo) {
		if f.Type.Kind() != reflect.Int {
			return // int64 fields are ZenDesk ids, not amounts
		}
		n++
		if info.name == "schemaVersion" {
			return // must equal SchemaVersion (AR0110)
		}
		if info.maximum == nil {
			t.Errorf("%s.%s has no maximum", st.Name(), f.Name)
		}
	})
	if n < 15 {
		t.Fatalf("only %d whole-number fields found", n)
	}
}

// TestBoundedSumsCannotOverflow checks that the longest window a release can
// describe within the bounds is far from overflowing a time.Duration, which
// the calendar computes in nanoseconds.
func TestBoundedSumsCannotOverflow(t *testing.T) {
	maxOf := func(v any, field string) int64 {
		info := structInfoFor(reflect.TypeOf(v)).byName[field]
		switch {
		case info.maximum != nil:
			return *info.maximum
		case info.maxItems > 0:
			return int64(info.maxItems)
		}
		t.Fatalf("%T.%s is not bounded", v, field)
		return 0
	}
	steps := maxOf(Manifest{}, "steps")
	perStep := max(maxOf(Elapsed{}, "max"), maxOf(Elapsed{}, "estimate"), maxOf(Step{}, "handsOnMinutes"))
	window := steps * perStep // minutes, every step after the one before
	if window > math.MaxInt64/int64(time.Minute)/10 {
		t.Fatalf("a window of %d steps of %d minutes is %d minutes: too close to overflowing a time.Duration", steps, perStep, window)
	}
	if d := time.Duration(window) * time.Minute; d <= 0 || d/time.Minute != time.Duration(window) {
		t.Fatalf("%d minutes overflow a time.Duration", window)
	}
}

// TestNumericBounds writes values just above and at each bound into real
// files and expects AR0107 at the value, or nothing.
func TestNumericBounds(t *testing.T) {
	tests := []struct {
		file, after, key string
		max              int64
	}{
		{"releases/4.3.0.yaml", "leadTimeDays:", "leadTimeDays", 730},
		{"releases/4.3.0.yaml", "    handsOnMinutes: 5", "    handsOnMinutes", 1440},
		{"releases/4.3.0.yaml", "    elapsedMinutes:", "    elapsedMinutes", 4320},
		{"releases/4.3.0.yaml", "    minMinutes: 10", "    minMinutes", 10080},
		{ConfigFile, "  handsOnBudgetMinutes:", "  handsOnBudgetMinutes", 100000},
		{ConfigFile, "    monthsBetweenReleases:", "    monthsBetweenReleases", 60},
	}
	value := func(key string, v int64) string {
		if strings.TrimSpace(key) == "elapsedMinutes" {
			return key + ": {estimate: 10, max: " + strconv.FormatInt(v, 10) + "}"
		}
		return key + ": " + strconv.FormatInt(v, 10)
	}
	for _, tt := range tests {
		base := string(mustRead(t, "../examples/atlas/"+tt.file))
		for _, v := range []int64{tt.max + 1, math.MaxInt32, tt.max} {
			src, line := withLine(t, base, tt.after, value(tt.key, v), true)
			var got []Diagnostic
			for _, d := range diagsOf(t, tt.file, src) {
				if d.Code == "AR0107" && d.Line == line {
					got = append(got, d)
				}
			}
			switch {
			case v > tt.max && (len(got) != 1 || !regexp.MustCompile(`must be at most \d+, not \d+`).MatchString(got[0].Message)):
				t.Errorf("%s = %d: want one AR0107 at line %d, got %v", tt.key, v, line, got)
			case v <= tt.max && len(got) > 0:
				t.Errorf("%s = %d (the bound): got %v", tt.key, v, got)
			}
		}
	}
}

// TestExplicitTagsGiveTheTagRule checks that an explicit tag, wherever it is,
// gives AR0109 at the tag and nothing else about the value.
func TestExplicitTagsGiveTheTagRule(t *testing.T) {
	base := string(mustRead(t, "../examples/atlas/releases/4.3.0.yaml"))
	for _, tt := range []struct{ after, line string }{
		{"kind:", "kind: !!str minor"},
		{"kind:", "kind: !!binary bWlub3I="},
		{"kind:", "kind: !custom minor"},
		{"kind:", "kind: ! minor"},
		{"kind:", "kind: !<!> minor"},
		{"kind:", "kind: !<tag:yaml.org,2002:str> minor"},
		{"leadTimeDays:", "leadTimeDays: !!int 14"},
		{"leadTimeDays:", "leadTimeDays: !!str 14"},
		{"leadTimeDays:", "leadTimeDays: !!float 14"},
		{"releaseDate:", "releaseDate: !!str 2023-05-15"},
		{"releaseDate:", "releaseDate: !!timestamp 2023-05-15"},
		{"changeType:", "!!str changeType: standard"},
		{"changeType:", "! changeType: standard"},
		{"minSource:", "minSource: !!map {}"},
		{"minSource:", "minSource: !!seq [a]"},
		{"minSource:", "minSource: !!null"},
	} {
		src, line := withLine(t, base, tt.after, tt.line, true)
		ds := diagsOf(t, "releases/4.3.0.yaml", src)
		if len(ds) != 1 || ds[0].Code != "AR0109" || ds[0].Line != line || ds[0].Col < 1 {
			t.Errorf("%s: want one AR0109 at line %d; got:\n%s", tt.line, line, diagLines(ds))
		}
	}
}
