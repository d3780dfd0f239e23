package embeddedstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// SnapshotWriter is told the size of a snapshot before it is written, so
// that a container format with sized entries (tar) can stream it, and
// returns where the snapshot's bytes go.
type SnapshotWriter = func(size int64) (io.Writer, error)

// Snapshot writes a consistent copy of the store's database file while
// the store keeps serving: one read transaction sees one committed state,
// and bbolt's WriteTo streams it as a complete database file.
func (s *Store) Snapshot(open SnapshotWriter) error {
	s.mu.RLock()
	db := s.db
	s.mu.RUnlock()
	if db == nil {
		return errors.New("embeddedstore: closed")
	}
	return writeSnapshot(db, open)
}

// Snapshot writes a consistent copy of the registry's file, like
// Store.Snapshot. It folds the audit journal first, so that the copy holds
// every audit entry acknowledged before the backup began.
func (r *AccessRecords) Snapshot(open SnapshotWriter) error {
	if err := r.fold(); err != nil {
		return err
	}
	return writeSnapshot(r.db, open)
}

// SnapshotFile writes a consistent copy of the database file at path,
// which no process may hold (an *InUseError says which one does). A
// registry's audit journal, left by a process that did not close it, is
// replayed into the file first, so that the copy holds its entries.
func SnapshotFile(path string, open SnapshotWriter) error {
	if err := replayLeftJournal(path); err != nil {
		return err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockWait})
	if errors.Is(err, bolt.ErrTimeout) {
		return &InUseError{Path: filepath.Dir(path), PID: readPID(filepath.Dir(path))}
	}
	if err != nil {
		return err
	}
	defer db.Close()
	return writeSnapshot(db, open)
}

// replayLeftJournal replays the audit journal a registry's process left
// beside its file at path, when it left one, by opening the registry and
// closing it again; a file without a journal is left untouched.
func replayLeftJournal(path string) error {
	segs, unfinished, err := journalFiles(path)
	if err != nil || len(segs)+len(unfinished) == 0 {
		return err
	}
	r, err := OpenAccessRecords(path)
	if err != nil {
		return err
	}
	return r.Close()
}

func writeSnapshot(db *bolt.DB, open SnapshotWriter) error {
	return db.View(func(tx *bolt.Tx) error {
		w, err := open(tx.Size())
		if err != nil {
			return err
		}
		_, err = tx.WriteTo(w)
		return err
	})
}

// Compact rewrites the database file at path into a fresh file without
// the free pages that deletes and rewrites leave behind, and puts it in
// place of the old one. The file must not be open: Compact takes the lock
// itself, so a running service makes it fail with an *InUseError. It
// returns the file's size before and after.
func Compact(path string) (before, after int64, err error) {
	if err := replayLeftJournal(path); err != nil {
		return 0, 0, err
	}
	src, err := openBolt(path)
	if err != nil {
		return 0, 0, err
	}
	defer src.Close()
	if st, err := os.Stat(path); err == nil {
		before = st.Size()
	}
	tmp := path + ".compact"
	os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("embeddedstore: compact %s: %w", path, err)
	}
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("embeddedstore: compact %s: %w", path, err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return 0, 0, err
	}
	// Still holding the old file's lock, so nobody opens it between the
	// check and the swap; rename is atomic on one file system.
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, 0, err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	st, err := os.Stat(path)
	if err != nil {
		return before, 0, err
	}
	return before, st.Size(), nil
}

// Verify opens the database file at path read-only and runs bbolt's
// consistency check over every page, so that a restored or copied file is
// known good before a service is started on it.
func Verify(path string) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockWait})
	if errors.Is(err, bolt.ErrTimeout) {
		return &InUseError{Path: filepath.Dir(path), PID: readPID(filepath.Dir(path))}
	}
	if err != nil {
		return err
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drained, so the checker finishes
			if first == nil {
				first = fmt.Errorf("embeddedstore: %s is damaged: %w", path, err)
			}
		}
		return first
	})
}
