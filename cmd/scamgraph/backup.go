package main

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scamgraph/scamgraph/embeddedstore"
)

// backupFiles are the embedded deployment's files: the graph and the
// registry (agencies, keys, agreements, evidence requests, audit log).
var backupFiles = []string{embeddedstore.FileName, accessFileName}

// backupCommand copies the embedded store and its registry into a
// directory: straight from the data directory when no process holds it,
// or through a running server (--server, an ADMIN key) while it serves.
func (c *cli) backupCommand() *cobra.Command {
	return c.tool(&cobra.Command{
		Use:   "backup --out DIR [--data-dir DIR | --server URL --key ADMIN-KEY]",
		Short: "a consistent copy of the embedded store and its registry, also while serving",
	}, []string{"store", "data-dir"}, backup)
}

func backup(c *toolCommand) func(context.Context, []string) int {
	out := c.cmd.Flags().String("out", "", "directory the backup is written to (created; must not hold a backup already)")
	server := c.cmd.Flags().String("server", "", "copy through a running server (e.g. http://127.0.0.1:8080), which keeps serving")
	key := c.cmd.Flags().String("key", os.Getenv("SCAMGRAPH_API_KEY"), "ADMIN key sent to --server (env SCAMGRAPH_API_KEY)")
	return func(ctx context.Context, rest []string) int {
		switch {
		case len(rest) != 0:
			return c.usageError("unexpected arguments %q", rest)
		case *out == "":
			return c.usageError("--out is required")
		case *server != "" && *key == "":
			return c.usageError("--server needs an ADMIN key: --key or SCAMGRAPH_API_KEY")
		case *server == "" && c.cfg.Store != "embedded":
			return c.usageError("backup copies the embedded store; back up Neo4j with neo4j-admin database dump (see the README's Operating ScamGraph)")
		}
		dest, err := filepath.Abs(*out)
		if err != nil {
			return c.fail(err)
		}
		if err := emptyBackupDir(dest); err != nil {
			return c.fail(err)
		}
		var from string
		if *server != "" {
			from = *server
			err = backupRemote(ctx, *server, *key, dest)
		} else {
			from, err = resolveDataDir(c.cfg.DataDir)
			if err == nil {
				err = backupLocal(from, dest)
			}
			var inUse *embeddedstore.InUseError
			if errors.As(err, &inUse) {
				err = fmt.Errorf("%s; back it up through it instead: scamgraph backup --server URL --key ADMIN-KEY --out %s", inUse.Error(), *out)
			}
		}
		if err != nil {
			for _, name := range backupFiles {
				os.Remove(filepath.Join(dest, name))
			}
			return c.fail(err)
		}
		fmt.Fprintf(c.stdout, "backup of %s written to %s:\n", from, dest)
		for _, name := range backupFiles {
			st, _ := os.Stat(filepath.Join(dest, name))
			fmt.Fprintf(c.stdout, "  %-14s %d bytes, checked\n", name, st.Size())
		}
		return 0
	}
}

// emptyBackupDir creates dir, refusing one that already holds any file
// of a backup, so that a backup never overwrites another.
func emptyBackupDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for _, name := range backupFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return fmt.Errorf("%s already holds %s; choose an empty directory", dir, name)
		}
	}
	return nil
}

// backupLocal snapshots each file of dataDir, which no process may hold.
func backupLocal(dataDir, dest string) error {
	for _, name := range backupFiles {
		err := writeFileAtomically(filepath.Join(dest, name), func(w io.Writer) error {
			return embeddedstore.SnapshotFile(filepath.Join(dataDir, name), func(int64) (io.Writer, error) { return w, nil })
		})
		if err != nil {
			return err
		}
	}
	return verifyBackup(dest)
}

// backupRemote fetches GET /admin/backup and unpacks its files.
func backupRemote(ctx context.Context, base, key, dest string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/admin/backup", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		return answerError(res.StatusCode, raw)
	}
	tr := tar.NewReader(res.Body)
	got := map[string]bool{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("the server's backup was cut short: %w", err)
		}
		name := filepath.Base(h.Name)
		if name != h.Name || !slices.Contains(backupFiles, name) || got[name] {
			return fmt.Errorf("the server's backup holds an unexpected entry %q", h.Name)
		}
		got[name] = true
		if err := writeFileAtomically(filepath.Join(dest, name), func(w io.Writer) error {
			_, err := io.Copy(w, tr)
			return err
		}); err != nil {
			return fmt.Errorf("the server's backup was cut short: %w", err)
		}
	}
	for _, name := range backupFiles {
		if !got[name] {
			return fmt.Errorf("the server's backup lacks %s", name)
		}
	}
	return verifyBackup(dest)
}

// verifyBackup runs bbolt's consistency check over every file of dir.
func verifyBackup(dir string) error {
	for _, name := range backupFiles {
		if err := embeddedstore.Verify(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// writeFileAtomically writes path through fill into a temporary file,
// syncs it and renames it into place, so a file of that name is whole.
func writeFileAtomically(path string, fill func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// restoreCommand puts a backup in place as a new data directory, after
// checking every page of its files.
func (c *cli) restoreCommand() *cobra.Command {
	return c.fileTool(&cobra.Command{
		Use:   "restore --from DIR --data-dir NEW-DIR",
		Short: "put a backup in place as a new data directory",
	}, []string{"data-dir"}, restore)
}

func restore(c *toolCommand) func(context.Context, []string) int {
	from := c.cmd.Flags().String("from", "", "directory written by scamgraph backup")
	return func(_ context.Context, rest []string) int {
		switch {
		case len(rest) != 0:
			return c.usageError("unexpected arguments %q", rest)
		case *from == "":
			return c.usageError("--from is required")
		}
		dest, err := resolveDataDir(c.cfg.DataDir)
		if err != nil {
			return c.fail(err)
		}
		if err := verifyBackup(*from); err != nil {
			return c.fail(err)
		}
		if err := os.MkdirAll(dest, 0o750); err != nil {
			return c.fail(err)
		}
		for _, name := range backupFiles {
			if _, err := os.Stat(filepath.Join(dest, name)); err == nil {
				return c.fail(fmt.Errorf("%s already holds %s; restore into a new data directory (--data-dir), then point the service at it", dest, name))
			}
		}
		for _, name := range backupFiles {
			err := writeFileAtomically(filepath.Join(dest, name), func(w io.Writer) error {
				f, err := os.Open(filepath.Join(*from, name))
				if err != nil {
					return err
				}
				defer f.Close()
				_, err = io.Copy(w, f)
				return err
			})
			if err != nil {
				return c.fail(err)
			}
		}
		s, err := embeddedstore.Open(dest)
		if err != nil {
			return c.fail(inUseMessage(err))
		}
		entities, links := s.Counts()
		s.Close()
		fmt.Fprintf(c.stdout, "restored %s into %s: %d entities, %d links; start the service with --data-dir %s\n", *from, dest, entities, links, dest)
		return 0
	}
}

// compactCommand rewrites the embedded store's files without their free
// pages.
func (c *cli) compactCommand() *cobra.Command {
	return c.fileTool(&cobra.Command{
		Use:   "compact [--data-dir DIR]",
		Short: "rewrite the embedded store's files without free pages (service stopped)",
	}, []string{"data-dir"}, compact)
}

func compact(c *toolCommand) func(context.Context, []string) int {
	return func(_ context.Context, rest []string) int {
		if len(rest) != 0 {
			return c.usageError("unexpected arguments %q", rest)
		}
		dir, err := resolveDataDir(c.cfg.DataDir)
		if err != nil {
			return c.fail(err)
		}
		for _, name := range backupFiles {
			before, after, err := embeddedstore.Compact(filepath.Join(dir, name))
			if err != nil {
				return c.fail(inUseMessage(err))
			}
			fmt.Fprintf(c.stdout, "%s: %d bytes, now %d\n", filepath.Join(dir, name), before, after)
		}
		return 0
	}
}
