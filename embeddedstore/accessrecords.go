package embeddedstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/access"
)

// AccessRecords keeps the registry in one bbolt file: the embedded
// deployment's backend, beside the embedded graph store's own file.
//
// Layout: bucket "docs" holds one nested bucket per collection, whose
// values are the 8-byte big-endian version followed by the JSON document;
// bucket "audit" holds entries keyed by their 8-byte big-endian Seq, so a
// cursor walks them in order and AfterSeq is one seek.
type AccessRecords struct {
	db *bolt.DB
}

var _ access.Records = (*AccessRecords)(nil)

var (
	bucketDocs  = []byte("docs")
	bucketAudit = []byte("audit")
)

// OpenAccessRecords opens (creating if needed) the registry file at path. bbolt
// allows one process per file: a second opener waits two seconds, then
// fails saying so.
func OpenAccessRecords(path string) (*AccessRecords, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("embeddedstore: access records: create directory for %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("embeddedstore: access records: %s is in use by another process (is the service running on this data directory?)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("embeddedstore: access records: open %s: %w", path, err)
	}
	// Every commit is fsynced before Commit returns, so an acknowledged
	// change (and its audit entry) survives a crash. That is bbolt's
	// default; it is set here so that nobody turns it off by accident.
	db.NoSync = false
	if err := db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketDocs); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(bucketAudit)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("embeddedstore: access records: initialise %s: %w", path, err)
	}
	return &AccessRecords{db: db}, nil
}

// Close closes the file.
func (b *AccessRecords) Close() error { return b.db.Close() }

// Get reads the documents of collection with the given ids.
func (b *AccessRecords) Get(ctx context.Context, collection string, ids []string) ([]access.Doc, error) {
	out, err := b.Gather(ctx, []access.Want{{Collection: collection, IDs: ids}})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// List reads every document of collection, in id order (bbolt keeps keys sorted).
func (b *AccessRecords) List(ctx context.Context, collection string) ([]access.Doc, error) {
	out, err := b.Gather(ctx, []access.Want{{Collection: collection, All: true}})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Gather answers every want from one read transaction.
func (b *AccessRecords) Gather(ctx context.Context, wants []access.Want) ([][]access.Doc, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]access.Doc, len(wants))
	err := b.db.View(func(tx *bolt.Tx) error {
		for i, w := range wants {
			docs, err := readBolt(tx, w)
			if err != nil {
				return err
			}
			out[i] = docs
		}
		return nil
	})
	return out, err
}

// readBolt answers one want inside tx.
func readBolt(tx *bolt.Tx, w access.Want) ([]access.Doc, error) {
	out := []access.Doc{}
	cb := tx.Bucket(bucketDocs).Bucket([]byte(w.Collection))
	if cb == nil {
		return out, nil
	}
	if w.All {
		err := cb.ForEach(func(k, v []byte) error {
			d, err := decodeBoltDoc(string(k), v)
			out = append(out, d)
			return err
		})
		return out, err
	}
	for _, id := range w.IDs {
		if v := cb.Get([]byte(id)); v != nil {
			d, err := decodeBoltDoc(id, v)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Commit checks every version, writes every document and appends the
// audit entry in one bbolt transaction. bbolt runs one writer at a time,
// which is what makes the version checks and the sequence race-free.
func (b *AccessRecords) Commit(ctx context.Context, puts []access.Put, audit *access.AuditEntry) (access.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return access.AuditEntry{}, err
	}
	var stored access.AuditEntry
	err := b.db.Update(func(tx *bolt.Tx) error {
		docs := tx.Bucket(bucketDocs)
		for _, p := range puts {
			cb, err := docs.CreateBucketIfNotExists([]byte(p.Collection))
			if err != nil {
				return err
			}
			var current int64
			if v := cb.Get([]byte(p.ID)); v != nil {
				current = int64(binary.BigEndian.Uint64(v[:8]))
			}
			if current != p.Version {
				return fmt.Errorf("%w: %s %s is at version %d, not %d", access.ErrVersionMismatch, p.Collection, p.ID, current, p.Version)
			}
			val := make([]byte, 8+len(p.Data))
			binary.BigEndian.PutUint64(val, uint64(p.Version+1))
			copy(val[8:], p.Data)
			if err := cb.Put([]byte(p.ID), val); err != nil {
				return err
			}
		}
		if audit == nil {
			return nil
		}
		var err error
		stored, err = appendAuditTx(tx, *audit)
		return err
	})
	if err != nil {
		if errors.Is(err, access.ErrVersionMismatch) {
			return access.AuditEntry{}, err
		}
		return access.AuditEntry{}, translate(err, "access records: commit")
	}
	return stored, nil
}

// appendAuditTx appends one entry inside tx. NextSequence is part of the
// transaction: a rollback returns the number, so sequences have no gaps.
func appendAuditTx(tx *bolt.Tx, e access.AuditEntry) (access.AuditEntry, error) {
	ab := tx.Bucket(bucketAudit)
	seq, err := ab.NextSequence()
	if err != nil {
		return access.AuditEntry{}, err
	}
	e.Seq = int64(seq)
	data, err := json.Marshal(e)
	if err != nil {
		return access.AuditEntry{}, err
	}
	return e, ab.Put(seqKey(e.Seq), data)
}

// AppendAudits appends every entry in one transaction: one fsync for all.
func (b *AccessRecords) AppendAudits(ctx context.Context, entries []access.AuditEntry) ([]access.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]access.AuditEntry, len(entries))
	err := b.db.Update(func(tx *bolt.Tx) error {
		for i, e := range entries {
			stored, err := appendAuditTx(tx, e)
			if err != nil {
				return err
			}
			out[i] = stored
		}
		return nil
	})
	if err != nil {
		return nil, translate(err, "access records: append audit")
	}
	return out, nil
}

// QueryAudit walks the log from AfterSeq, filtering as it goes, until it
// has Limit entries.
func (b *AccessRecords) QueryAudit(ctx context.Context, f access.AuditFilter) ([]access.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := []access.AuditEntry{}
	err := b.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(seqKey(f.AfterSeq + 1)); k != nil && len(out) < f.Limit; k, v = c.Next() {
			var e access.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("embeddedstore: access records: decode audit entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if f.Matches(e) {
				out = append(out, e)
			}
		}
		return nil
	})
	return out, err
}

func seqKey(seq int64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, uint64(seq))
	return k
}

// decodeBoltDoc splits a stored value into version and document. bbolt's
// values are valid only inside the transaction, so the document is copied.
func decodeBoltDoc(id string, v []byte) (access.Doc, error) {
	if len(v) < 8 {
		return access.Doc{}, fmt.Errorf("embeddedstore: access records: stored document %s is truncated", id)
	}
	return access.Doc{ID: id, Version: int64(binary.BigEndian.Uint64(v[:8])), Data: append([]byte(nil), v[8:]...)}, nil
}
