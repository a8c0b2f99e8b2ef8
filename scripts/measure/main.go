// Command measure runs commands and reports their wall time and peak resident
// memory (from the kernel's rusage), for `make bench`. It has three forms:
//
//	measure <label> <command> [args...]   one run: exit code, wall time, peak memory
//	measure -table <atlas-release binary>  the table of issue 16 (see table.go)
//	measure -parse-floor <dir>             the parse floor: decode every .yaml file
//	                                       under dir into yaml.v3 nodes, nothing more
//	measure -synth <dir>                   write the table's 40 × 60 workspace to dir,
//	                                       to profile or time a command by hand
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-table" {
		if err := table(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "measure:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "-parse-floor" {
		if err := parseFloor(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "measure:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "-synth" {
		if err := os.CopyFS(os.Args[2], benchWorkspace(40)); err != nil {
			fmt.Fprintln(os.Stderr, "measure:", err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: measure <label> <command> [args...] | -table BIN | -parse-floor DIR")
		os.Exit(2)
	}
	r, err := run(os.Args[2], os.Args[3:]...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%-22s exit=%d  wall=%7.3fs  peak-rss=%6.1f MB\n", os.Args[1], r.code, r.wall.Seconds(), r.rssMB)
}

// result is one run of a command.
type result struct {
	code  int
	wall  time.Duration
	rssMB float64
}

// run runs a command with its output discarded and measures it. A command that
// could not start is an error; one that exits non-zero is a result.
func run(name string, args ...string) (result, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		return result{}, err
	}
	rss := int64(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss // kilobytes on Linux
	}
	return result{code: code, wall: wall, rssMB: float64(rss) / 1024}, nil
}
