package server

import (
	"archive/tar"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/scamgraph/scamgraph/usecase"
)

// Snapshotter is a database file that can write a consistent copy of
// itself while the service runs (embeddedstore.Store and AccessRecords):
// open is told the copy's size and returns where its bytes go.
type Snapshotter interface {
	Snapshot(open func(size int64) (io.Writer, error)) error
}

// BackupFile is one file of a backup: its name in the archive and its source.
type BackupFile struct {
	Name   string
	Source Snapshotter
}

// EnableBackup serves GET /admin/backup: a tar of files, each a
// consistent copy taken while the service keeps serving, for an ADMIN key
// (usecase.Service.Backup decides and audits). Without it the route
// answers 404; the Neo4j deployment backs up with neo4j-admin instead.
func (s *Server) EnableBackup(files ...BackupFile) { s.backupFiles = files }

func (s *Server) backup(w http.ResponseWriter, r *http.Request) {
	if len(s.backupFiles) == 0 {
		writeGraphQLError(w, http.StatusNotFound, "NOT_FOUND", "path", "this server has no backup endpoint: its store is backed up with its own tools (see the README's Operating ScamGraph)")
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeGraphQLError(w, http.StatusMethodNotAllowed, "BAD_USER_INPUT", "method", "GET /admin/backup")
		return
	}
	c, err := usecase.CallerFrom(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	started := false
	err = s.service.Backup(r.Context(), c, func(ctx context.Context) error {
		w.Header().Set("Content-Type", "application/x-tar")
		w.Header().Set("Content-Disposition", `attachment; filename="scamgraph-backup.tar"`)
		started = true
		// A backup takes as long as the store is large: the server's
		// write timeout is for answers, not for this.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		tw := tar.NewWriter(w)
		now := time.Now()
		for _, f := range s.backupFiles {
			err := f.Source.Snapshot(func(size int64) (io.Writer, error) {
				return tw, tw.WriteHeader(&tar.Header{Name: f.Name, Mode: 0o600, Size: size, ModTime: now, Typeflag: tar.TypeReg})
			})
			if err != nil {
				return err
			}
		}
		// Without the closing blocks a reader sees a cut archive, so a
		// copy that failed half-way is never taken for a whole one.
		return tw.Close()
	})
	if err != nil && !started {
		s.writeError(w, r, err)
	}
	if err := s.finish(r.Context(), c); err != nil {
		s.logger.Error().Err(err).Msg("the backup's audit entry was not written")
	}
}
