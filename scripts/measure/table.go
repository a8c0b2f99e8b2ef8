package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/atlas-release/atlas-release/internal/synth"
)

// The rows of issue 16's table, measured as ratios within one run: the command
// and its reference take turns, so that a busy machine slows both alike.
const (
	validateRounds = 15
	runbookRounds  = 9
	allRounds      = 3
	cutRounds      = 5
	bigCutRounds   = 2
	bigPayload     = 512 << 20
)

// table measures every row and prints one Markdown table.
func table(bin string) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "atlas-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	ws := filepath.Join(tmp, "ws40")
	if err := os.CopyFS(ws, benchWorkspace(40)); err != nil {
		return err
	}
	ws160 := filepath.Join(tmp, "ws160")
	if err := os.CopyFS(ws160, benchWorkspace(160)); err != nil {
		return err
	}
	var rows [][5]string
	add := func(measure, figure, reference, ratio, goal string) {
		rows = append(rows, [5]string{measure, figure, reference, ratio, goal})
		fmt.Fprintf(os.Stderr, "measured: %s\n", measure)
	}

	// The decode cache of the commands lives in the table's own folder: it
	// starts cold, and the first run of each workspace warms it, as the
	// first run after an edit does for a user. "Run repeatedly" is the warm
	// figure; the cold one (ATLAS_RELEASE_CACHE=off) is what a first run or
	// a changed file costs.
	if err := os.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache")); err != nil {
		return err
	}
	validate := []string{bin, "-C", ws, "validate"}
	floorCmd := []string{self, "-parse-floor", ws}
	for _, cold := range []bool{false, true} {
		label, off := "run repeatedly (warm decode cache)", ""
		if cold {
			label, off = "every file decoded (ATLAS_RELEASE_CACHE=off)", "off"
		}
		if err := os.Setenv("ATLAS_RELEASE_CACHE", off); err != nil {
			return err
		}
		if _, err := runOK(validate[0], validate[1:]...); err != nil { // warms the cache
			return err
		}
		v, floor, err := pair(validateRounds, validate, floorCmd)
		if err != nil {
			return err
		}
		add("`validate`, 40 × 60, whole process, "+label, ms(v)+", "+mb(v), "parse floor "+ms(floor)+", "+mb(floor), ratio(v, floor), "≤ 1.0×, < 50 MB")
		if _, err := runOK(bin, "-C", ws160, "validate"); err != nil {
			return err
		}
		big, err := runs(3, bin, "-C", ws160, "validate")
		if err != nil {
			return err
		}
		add("`validate`, 160 × 60, "+label, ms(big)+", "+mb(big), "", "", "≤ 64 MB")
		if !cold {
			continue
		}
		// One runbook against validate, both without the cache.
		r, val, err := pair(runbookRounds, oneRunbook(bin, ws, tmp), validate)
		if err != nil {
			return err
		}
		add("one `runbook` (1.0 → 10.3, html), "+label, ms(r)+", "+mb(r), "`validate` "+ms(val), ratio(r, val), "≤ 1.2× `validate`")
	}
	if err := os.Setenv("ATLAS_RELEASE_CACHE", ""); err != nil {
		return err
	}

	// Every runbook, through runbook --all, against one validate: into an
	// empty folder (a documentation site built from a fresh checkout; the
	// previous round's files are removed before the round, untimed), over the
	// previous run's files, which a file system that discards freed blocks
	// (this machine's mounts with discard) makes dearer, and, where there is
	// one, into an empty folder in memory (tmpfs), which leaves the renderer's
	// own cost: writing 1.45 GB to a disk costs seconds of kernel time that no
	// renderer can save.
	type allCase struct {
		label, out      string
		fresh, inMemory bool
	}
	cases := []allCase{
		{"into an empty folder", filepath.Join(tmp, "all"), true, false},
		{"over the previous run's files", filepath.Join(tmp, "all"), false, false}, // the files of the case before
	}
	if shm, err := os.MkdirTemp("/dev/shm", "atlas-bench-"); err == nil {
		defer os.RemoveAll(shm)
		cases = append(cases, allCase{"into an empty folder in memory (/dev/shm)", filepath.Join(shm, "all"), true, true})
	}
	for _, c := range cases {
		all := []string{bin, "-C", ws, "runbook", "--all", "--format", "md,html,json", "--out", c.out}
		var a, val []result
		for range allRounds {
			if c.fresh {
				if err := os.RemoveAll(c.out); err != nil {
					return err
				}
			}
			r, v, err := pair(1, all, validate)
			if err != nil {
				add("every runbook, md + html + json (`runbook --all`), "+c.label, "failed: "+err.Error(), "", "", "≤ 2 s, ≤ 10× `validate`")
				break
			}
			a, val = append(a, r...), append(val, v...)
		}
		if len(a) == allRounds {
			n, _ := os.ReadDir(c.out)
			add(fmt.Sprintf("every runbook, md + html + json (`runbook --all`, %d files), %s", len(n), c.label), ms(a)+", "+mb(a), "`validate` "+ms(val), ratio(a, val), "≤ 2 s, ≤ 10× `validate`")
		}
		if c.inMemory {
			_ = os.RemoveAll(c.out) // a gigabyte and a half of memory
		}
	}

	// One runbook, the longest path, against validate, both warm.
	r, val, err := pair(runbookRounds, oneRunbook(bin, ws, tmp), validate)
	if err != nil {
		return err
	}
	add("one `runbook` (1.0 → 10.3, html), run repeatedly (warm decode cache)", ms(r)+", "+mb(r), "`validate` "+ms(val), ratio(r, val), "≤ 1.2× `validate`")

	if _, err := exec.LookPath("minisign"); err != nil {
		add("`cut`", "skipped: minisign is not installed (apt-get install minisign)", "", "", "")
		return print(rows)
	}
	if err := cutRows(bin, tmp, add); err != nil {
		return err
	}
	return print(rows)
}

// cutRows measures cut on the example workspace and with a 512 MiB payload,
// against the bare pipeline on the same files: tar | gzip -n, sha256sum and
// minisign -S of every bundle and of the checksums.
func cutRows(bin, tmp string, add func(measure, figure, reference, ratio, goal string)) error {
	keys := filepath.Join(tmp, "keys")
	if _, err := runOK(bin, "keygen", "--out-dir", keys, "--unencrypted"); err != nil {
		return err
	}
	msKey := filepath.Join(tmp, "ms.key")
	if _, err := runOK("minisign", "-G", "-W", "-p", filepath.Join(tmp, "ms.pub"), "-s", msKey); err != nil {
		return err
	}
	measureCut := func(label, ws string, rounds int, goal string) error {
		dist := filepath.Join(tmp, "dist")
		cut := []string{bin, "-C", ws, "cut", "4.3", "--key", filepath.Join(keys, "atlas-release.key"), "--dist", dist, "--clean"}
		if _, err := runOK(cut[0], cut[1:]...); err != nil {
			return err
		}
		bundles, _ := filepath.Glob(filepath.Join(dist, "4.3.0", "*.tar.gz"))
		files := filepath.Join(tmp, "files")
		bare := filepath.Join(tmp, "bare")
		_ = os.RemoveAll(files)
		var script strings.Builder
		script.WriteString("set -e; rm -rf " + bare + "; mkdir " + bare + "; cd " + bare + "\n")
		for i, b := range bundles {
			dir := filepath.Join(files, fmt.Sprint(i))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if _, err := runOK("tar", "xzf", b, "-C", dir); err != nil {
				return err
			}
			fmt.Fprintf(&script, "tar c -C %s . | gzip -n > b%d.tar.gz\n", dir, i)
		}
		fmt.Fprintf(&script, "sha256sum *.tar.gz > SUMS\nfor f in *.tar.gz SUMS; do minisign -S -s %s -m $f >/dev/null; done\n", filepath.Join(tmp, "ms.key"))
		c, b, err := pair(rounds, cut, []string{"bash", "-c", script.String()})
		if err != nil {
			return err
		}
		add(fmt.Sprintf("%s (%d bundle(s))", label, len(bundles)), ms(c)+", "+mb(c), "bare pipeline "+ms(b), ratio(c, b), goal)
		return os.RemoveAll(files)
	}

	ws := filepath.Join(tmp, "example")
	if err := os.CopyFS(ws, os.DirFS("examples/atlas")); err != nil {
		return err
	}
	_ = os.RemoveAll(filepath.Join(ws, "dist"))
	if err := measureCut("`cut 4.3` on the example", ws, cutRounds, "≤ 1.0×, stable"); err != nil {
		return err
	}
	// The large payload: one bundle source, a script grown by 512 MiB of noise
	// (run by an upgrade step and an install step: two bundles carry it).
	cfg := filepath.Join(ws, "atlas-release.yaml")
	text, err := os.ReadFile(cfg)
	if err != nil {
		return err
	}
	if err := os.WriteFile(cfg, bytes.Replace(text, []byte("bundleSources: 3 "), []byte("bundleSources: 1 "), 1), 0o644); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(ws, "scripts", "Deploy-AtlasPackage.ps1"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(f, rand.Reader, bigPayload); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := measureCut("`cut` with a 512 MiB payload", ws, bigCutRounds, "≤ 0.6×, ≤ 64 MB"); err != nil {
		return err
	}
	// Checking that download, against minisign -V: not a row of the issue's
	// table, but measured here since the payload is.
	pub, err := os.ReadFile(filepath.Join(keys, "atlas-release.pub"))
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(pub)), "\n")
	key := lines[len(lines)-1]
	// The upgrade bundle (the install bundle carries the same payload).
	bundles, _ := filepath.Glob(filepath.Join(tmp, "dist", "4.3.0", "*-from-*.tar.gz"))
	if len(bundles) != 1 {
		return fmt.Errorf("the large cut made %d upgrade bundles, not one", len(bundles))
	}
	v, m, err := pair(bigCutRounds, []string{bin, "verify", bundles[0], "--key", key}, []string{"minisign", "-H", "-Vm", bundles[0], "-P", key})
	if err != nil {
		return err
	}
	add("`verify` of that bundle", ms(v)+", "+mb(v), "`minisign -V` "+ms(m), ratio(v, m), "≤ 1.25× (≥ 0.8× the throughput)")
	return nil
}

// oneRunbook is the command of the one-runbook rows: the longest path.
func oneRunbook(bin, ws, tmp string) []string {
	return []string{bin, "-C", ws, "runbook", "--from", "1.0", "--to", "10.3", "--format", "html", "--out", filepath.Join(tmp, "one.html")}
}

// benchWorkspace is the synthetic workspace: n releases of 60 steps.
func benchWorkspace(n int) fs.FS {
	return synth.Workspace(synth.Options{Releases: n, Steps: 60, Seed: 1})
}

// pair runs a command and its reference in turn, rounds times each.
func pair(rounds int, cmd, ref []string) (subject, reference []result, err error) {
	for range rounds {
		r, err := runOK(cmd[0], cmd[1:]...)
		if err != nil {
			return nil, nil, err
		}
		subject = append(subject, r)
		r, err = runOK(ref[0], ref[1:]...)
		if err != nil {
			return nil, nil, err
		}
		reference = append(reference, r)
	}
	return subject, reference, nil
}

func runs(n int, name string, args ...string) ([]result, error) {
	var rs []result
	for range n {
		r, err := runOK(name, args...)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// runOK runs a command that must succeed.
func runOK(name string, args ...string) (result, error) {
	r, err := run(name, args...)
	if err == nil && r.code != 0 {
		err = fmt.Errorf("%s %s: exit %d", name, strings.Join(args, " "), r.code)
	}
	return r, err
}

func median(rs []result) time.Duration {
	ws := make([]time.Duration, len(rs))
	for i, r := range rs {
		ws[i] = r.wall
	}
	slices.Sort(ws)
	return ws[len(ws)/2]
}

func ms(rs []result) string {
	m := median(rs)
	if m >= 10*time.Second {
		return fmt.Sprintf("%.1f s", m.Seconds())
	}
	return fmt.Sprintf("%d ms", m.Milliseconds())
}

// mb is the largest peak resident memory of the runs.
func mb(rs []result) string {
	peak := 0.0
	for _, r := range rs {
		peak = max(peak, r.rssMB)
	}
	return fmt.Sprintf("%.0f MB", peak)
}

func ratio(a, b []result) string {
	return fmt.Sprintf("%.2f×", median(a).Seconds()/median(b).Seconds())
}

func print(rows [][5]string) error {
	fmt.Println("| measure | figure | reference | ratio | goal |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s |\n", strings.Join(r[:], " | "))
	}
	return nil
}

// parseFloor does what loading a workspace cannot avoid: read every YAML file
// and parse it into nodes.
func parseFloor(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var n yaml.Node
		if err := yaml.Unmarshal(src, &n); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
}
