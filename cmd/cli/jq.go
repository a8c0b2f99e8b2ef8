package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"
)

// addJQFlags gives every command with --json a --jq flag, as gh does, so
// that scripts need no jq installed to pick a field out of the JSON.
func addJQFlags(root *cobra.Command, expr *string) {
	for _, c := range append([]*cobra.Command{root}, allCommands(root)...) {
		if c.Flags().Lookup("json") != nil {
			c.Flags().StringVar(expr, "jq", "", "filter the JSON output with a jq `EXPRESSION` (with --json)")
		}
	}
}

// allCommands are the commands under c, depth first.
func allCommands(c *cobra.Command) []*cobra.Command {
	var all []*cobra.Command
	for _, sub := range c.Commands() {
		all = append(all, sub)
		all = append(all, allCommands(sub)...)
	}
	return all
}

// setupJQ checks --jq before the command does any work: it needs --json,
// and an expression that does not compile is wrong usage. With one, the
// JSON the command writes goes through the filter (see writeJSON).
func setupJQ(cmd *cobra.Command, f *Factory, expr string) error {
	if !cmd.Flags().Changed("jq") {
		return nil
	}
	if json, _ := cmd.Flags().GetBool("json"); !json {
		return usageErrorf("--jq filters the JSON output: add --json")
	}
	q, err := gojq.Parse(expr)
	if err != nil {
		return usageErrorf("--jq: %v", err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return usageErrorf("--jq: %v", err)
	}
	f.IO.Out = &jqWriter{Writer: f.IO.Out, ctx: cmd.Context(), code: code}
	return nil
}

// jqWriter is standard output while --jq filters the JSON: writeJSON runs
// its values through the filter; anything else passes as it is.
type jqWriter struct {
	io.Writer
	ctx  context.Context //nolint:containedctx // the command's, so Ctrl-C ends a filter that loops
	code *gojq.Code
}

// writeFiltered writes each result of the filter on v: a string as it is,
// like gh and jq -r, so that shell scripts get plain values; anything else as
// indented JSON.
func (w *jqWriter) writeFiltered(v any) error {
	// gojq works on JSON's own types: go through the encoding, keeping
	// numbers exact.
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return err
	}
	dec := json.NewDecoder(&b)
	dec.UseNumber()
	var in any
	if err := dec.Decode(&in); err != nil {
		return err
	}
	iter := w.code.RunWithContext(w.ctx, in)
	for {
		r, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := r.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil // halt: stop without an error
			}
			return fmt.Errorf("--jq: %w", err)
		}
		if s, ok := r.(string); ok {
			if _, err := fmt.Fprintln(w.Writer, s); err != nil {
				return err
			}
			continue
		}
		if err := encodeJSON(w.Writer, r); err != nil {
			return err
		}
	}
}
