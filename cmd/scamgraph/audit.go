package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/scamgraph/scamgraph/access"
)

const auditUsage = `usage:
  scamgraph audit export (--until TIME | --older-than DURATION) --out FILE
      write the oldest entries of the audit log, up to the first made at or
      after TIME (RFC 3339) or more recent than DURATION ago (e.g. 8760h), as
      NDJSON to FILE (created; never overwritten)
  scamgraph audit prune --exported FILE
      remove from the log exactly the entries of an export, after checking
      that each is in it unchanged; the pruning is itself an entry
Store settings (--store, --data-dir, --neo4j-uri, ...) are serve's.
`

// runAudit is the audit log's retention: export, then prune what was
// exported, never an entry that was not.
func runAudit(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if len(args) == 0 {
		fmt.Fprint(stderr, auditUsage)
		return 2
	}
	switch args[0] {
	case "export":
		return auditExport(ctx, args[1:], stdout, stderr)
	case "prune":
		return auditPrune(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, auditUsage)
		return 0
	}
	fmt.Fprintf(stderr, "scamgraph audit: unknown command %q\n\n%s", args[0], auditUsage)
	return 2
}

func auditExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := newToolCommand("scamgraph audit export", "(--until TIME | --older-than DURATION) --out FILE", stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	until := c.fs.String("until", "", "export the entries made before this RFC 3339 time")
	olderThan := c.fs.Duration("older-than", 0, "export the entries older than this (the retention, e.g. 8760h for a year)")
	out := c.fs.String("out", "", "NDJSON file to write (must not exist)")
	rest, status, ok := c.parse(args)
	if !ok {
		return status
	}
	var t time.Time
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
		fmt.Fprintf(stdout, "no audit entries before %s; %s is empty\n", t.UTC().Format(time.RFC3339), *out)
		return 0
	}
	fmt.Fprintf(stdout, "%d audit entries (seq %d to %d, before %s) exported to %s; keep it, then: scamgraph audit prune --exported %s\n",
		len(entries), entries[0].Seq, entries[len(entries)-1].Seq, t.UTC().Format(time.RFC3339), *out, *out)
	return 0
}

func auditPrune(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := newToolCommand("scamgraph audit prune", "--exported FILE", stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	exported := c.fs.String("exported", "", "an export written by scamgraph audit export")
	rest, status, ok := c.parse(args)
	if !ok {
		return status
	}
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
		fmt.Fprintf(stdout, "%s holds no entries: nothing to prune\n", *exported)
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
	fmt.Fprintf(stdout, "%d audit entries pruned (seq %d to %d); the log records the pruning\n", n, entries[0].Seq, entries[len(entries)-1].Seq)
	return 0
}
