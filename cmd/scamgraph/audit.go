package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/access"
)

// auditCommand is the audit log's retention: export, then prune what
// was exported, never an entry that was not.
func (c *cli) auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "the audit log's retention: export the oldest entries, then prune exactly those",
		Long: `The audit log's retention: export the oldest entries, then prune exactly those.
An entry leaves the log only after an export that holds it unchanged.`,
		Args: cobra.ArbitraryArgs,
		RunE: c.group,
	}
	cmd.AddCommand(
		c.tool(&cobra.Command{
			Use:   "export (--until TIME | --older-than DURATION) --out FILE",
			Short: "write the oldest entries of the audit log as NDJSON to a new file",
			Long: `Writes the oldest entries of the audit log, up to the first made at or after
--until (RFC 3339) or more recent than --older-than ago (e.g. 8760h), as
NDJSON to --out (created; never overwritten).`,
		}, registrySettings, auditExport),
		c.tool(&cobra.Command{
			Use:   "prune --exported FILE",
			Short: "remove from the log exactly the entries of an export",
			Long: `Removes from the log exactly the entries of an export, after checking that
each is in it unchanged; the pruning is itself an entry.`,
		}, registrySettings, auditPrune),
	)
	return cmd
}

func auditExport(c *toolCommand) func(context.Context, []string) int {
	until := c.cmd.Flags().String("until", "", "export the entries made before this RFC 3339 time")
	olderThan := c.cmd.Flags().Duration("older-than", 0, "export the entries older than this (the retention, e.g. 8760h for a year)")
	out := c.cmd.Flags().String("out", "", "NDJSON file to write (must not exist)")
	return func(ctx context.Context, rest []string) int {
		var t time.Time
		var err error
		switch {
		case len(rest) != 0:
			return c.usageError("unexpected arguments %q", rest)
		case *out == "":
			return c.usageError("--out is required")
		case (*until == "") == (*olderThan == 0):
			return c.usageError("give one of --until and --older-than")
		case *until != "":
			if t, err = time.Parse(time.RFC3339Nano, *until); err != nil {
				return c.usageError("--until must be an RFC 3339 time such as 2025-01-01T00:00:00Z, got %q", *until)
			}
		default:
			t = time.Now().Add(-*olderThan)
		}
		reg, closeFn, ok := c.open(ctx)
		if !ok {
			return 1
		}
		defer closeFn()
		entries, err := reg.AuditBefore(ctx, t)
		if err != nil {
			return c.fail(err)
		}
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return c.fail(err)
		}
		w := bufio.NewWriter(f)
		enc := json.NewEncoder(w)
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				f.Close()
				return c.fail(err)
			}
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return c.fail(err)
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return c.fail(err)
		}
		if err := f.Close(); err != nil {
			return c.fail(err)
		}
		if len(entries) == 0 {
			fmt.Fprintf(c.stdout, "no audit entries before %s; %s is empty\n", t.UTC().Format(time.RFC3339), *out)
			return 0
		}
		fmt.Fprintf(c.stdout, "%d audit entries (seq %d to %d, before %s) exported to %s; keep it, then: scamgraph audit prune --exported %s\n",
			len(entries), entries[0].Seq, entries[len(entries)-1].Seq, t.UTC().Format(time.RFC3339), *out, *out)
		return 0
	}
}

func auditPrune(c *toolCommand) func(context.Context, []string) int {
	exported := c.cmd.Flags().String("exported", "", "an export written by scamgraph audit export")
	return func(ctx context.Context, rest []string) int {
		switch {
		case len(rest) != 0:
			return c.usageError("unexpected arguments %q", rest)
		case *exported == "":
			return c.usageError("--exported is required: the log is pruned only of entries exported first")
		}
		f, err := os.Open(*exported)
		if err != nil {
			return c.fail(err)
		}
		var entries []access.AuditEntry
		dec := json.NewDecoder(f)
		for {
			var e access.AuditEntry
			if err := dec.Decode(&e); err == io.EOF {
				break
			} else if err != nil {
				f.Close()
				return c.fail(fmt.Errorf("%s: entry %d: %w", *exported, len(entries)+1, err))
			}
			entries = append(entries, e)
		}
		f.Close()
		if len(entries) == 0 {
			fmt.Fprintf(c.stdout, "%s holds no entries: nothing to prune\n", *exported)
			return 0
		}
		reg, closeFn, ok := c.open(ctx)
		if !ok {
			return 1
		}
		defer closeFn()
		n, err := reg.PruneAudit(ctx, cliActor, entries)
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(c.stdout, "%d audit entries pruned (seq %d to %d); the log records the pruning\n", n, entries[0].Seq, entries[len(entries)-1].Seq)
		return 0
	}
}
