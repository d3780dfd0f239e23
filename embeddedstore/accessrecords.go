package embeddedstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
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
// cursor walks them in order and AfterSeq is one seek, and its sequence is
// the highest Seq it has held; bucket "meta" holds the registry's id.
// Audit entries reach bbolt through the audit journal (auditjournal.go).
type AccessRecords struct {
	db      *bolt.DB
	journal *auditJournal
	// foldMu lets one fold run at a time.
	foldMu sync.Mutex
	// kick asks the folder to fold now; stop ends it, and done says it ended.
	kick      chan struct{}
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

var _ access.Records = (*AccessRecords)(nil)

var (
	bucketDocs         = []byte("docs")
	bucketAudit        = []byte("audit")
	bucketRegistryMeta = []byte("meta")
	keyRegistryID      = []byte("id")
)

// When the journal's acknowledged entries are folded into bbolt: every
// journalFoldEvery, or at once when journalFoldAt are waiting. A fold is
// one bbolt commit for all of them, so folding rarely is cheap; waiting
// entries are held in memory, which journalFoldAt bounds under load.
const (
	journalFoldEvery = 200 * time.Millisecond
	journalFoldAt    = 1024
)

// OpenAccessRecords opens (creating if needed) the registry file at path,
// and replays into it what the audit journal beside it holds that it does
// not. bbolt allows one process per file: a second opener waits a second,
// then fails saying so.
func OpenAccessRecords(path string) (*AccessRecords, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("embeddedstore: access records: create directory for %s: %w", path, err)
	}
	db, err := openBolt(path)
	var inUse *InUseError
	if errors.As(err, &inUse) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("embeddedstore: access records: open %s: %w", path, err)
	}
	// Every commit is fsynced before Commit returns, so an acknowledged
	// change (and its audit entry) survives a crash. That is bbolt's
	// default; it is set here so that nobody turns it off by accident.
	db.NoSync = false
	var id []byte
	if err := db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketDocs); err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketAudit); err != nil {
			return err
		}
		mb, err := tx.CreateBucketIfNotExists(bucketRegistryMeta)
		if err != nil {
			return err
		}
		if id = bytes.Clone(mb.Get(keyRegistryID)); len(id) == journalIDLen {
			return nil
		}
		if id, err = newRegistryID(); err != nil {
			return err
		}
		return mb.Put(keyRegistryID, id)
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("embeddedstore: access records: initialise %s: %w", path, err)
	}
	b := &AccessRecords{db: db, journal: &auditJournal{base: path, id: id},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	if err := b.replay(); err != nil {
		db.Close()
		return nil, err
	}
	go b.folder()
	return b, nil
}

// replay folds every entry the journal's segments hold and bbolt does not
// into bbolt, then removes the segments; it runs before the registry
// serves, so that sequence numbers go on from the last acknowledged entry.
func (b *AccessRecords) replay() error {
	j := b.journal
	segs, unfinished, err := journalFiles(j.base)
	if err != nil {
		return fmt.Errorf("embeddedstore: audit journal: list %s: %w", filepath.Dir(j.base), err)
	}
	for _, p := range unfinished {
		os.Remove(p)
	}
	var recs []journalRecord
	for _, p := range segs {
		r, _, err := readSegment(p, j.id)
		if err != nil {
			return err
		}
		recs = append(recs, r...)
		j.lastNo = max(j.lastNo, segmentNumber(p))
	}
	var seq uint64
	if len(recs) == 0 {
		// Nothing to write: a read transaction, and no sync, suffices.
		err = b.db.View(func(tx *bolt.Tx) error {
			seq = tx.Bucket(bucketAudit).Sequence()
			return nil
		})
	} else {
		err = b.db.Update(func(tx *bolt.Tx) error {
			var err error
			seq, err = putAuditsTx(tx, recs)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("embeddedstore: audit journal: replay into %s: %w", j.base, err)
	}
	for _, p := range segs {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("embeddedstore: audit journal: remove replayed %s: %w", p, err)
		}
	}
	j.next = int64(seq) + 1
	return nil
}

// putAuditsTx writes into tx every record whose Seq bbolt does not hold
// yet (above the bucket's sequence), in order, and sets the sequence to
// the last; it returns the sequence. A record that would leave a gap is
// an error: bbolt always holds the log up to its sequence.
func putAuditsTx(tx *bolt.Tx, recs []journalRecord) (uint64, error) {
	ab := tx.Bucket(bucketAudit)
	cur := ab.Sequence()
	for _, r := range recs {
		seq := uint64(r.entry.Seq)
		if seq <= cur {
			continue
		}
		if seq != cur+1 {
			return cur, fmt.Errorf("audit entry %d would follow entry %d: the entries between are missing", seq, cur)
		}
		if err := ab.Put(seqKey(r.entry.Seq), r.raw); err != nil {
			return cur, err
		}
		cur = seq
	}
	return cur, ab.SetSequence(cur)
}

// folder folds the journal's acknowledged entries into bbolt in the
// background, and makes the next segment before the current one is full.
func (b *AccessRecords) folder() {
	defer close(b.done)
	t := time.NewTicker(journalFoldEvery)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		case <-b.kick:
		}
		// A fold that fails is tried again on the next tick: the journal
		// keeps the entries, and queries see them meanwhile.
		_ = b.fold()
		if no, ok := b.journal.needsSpare(); ok {
			if s, err := b.journal.createSegment(no); err == nil {
				b.journal.setSpare(s)
			}
		}
	}
}

// fold writes every acknowledged entry not yet in bbolt into it, in one
// commit, and removes the segments it no longer needs.
func (b *AccessRecords) fold() error {
	b.foldMu.Lock()
	defer b.foldMu.Unlock()
	pending := b.journal.unfolded()
	if len(pending) == 0 {
		return nil
	}
	var through uint64
	err := b.db.Update(func(tx *bolt.Tx) error {
		var err error
		through, err = putAuditsTx(tx, pending)
		return err
	})
	if err != nil {
		return translate(err, "access records: fold the audit journal")
	}
	removeSegments(b.journal.folded(int64(through), false))
	return nil
}

// Close folds the journal into bbolt, removes its segments and closes the
// file. When the fold fails the segments stay, for the next open to replay.
func (b *AccessRecords) Close() error {
	b.closeOnce.Do(func() { close(b.stop) })
	<-b.done
	j := b.journal
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	segs := j.segmentsLocked()
	j.active, j.full, j.spare = nil, nil, nil
	j.mu.Unlock()
	err := b.fold()
	if err == nil && len(j.unfolded()) == 0 {
		removeSegments(segs)
	} else {
		closeSegments(segs)
	}
	return errors.Join(err, b.db.Close())
}

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
// which is what makes the version checks race-free; the journal's lock,
// held by a Commit with an entry, keeps its Seq in order with the
// journal's, and the same transaction folds the journal's waiting entries
// first, so that bbolt holds the log without a gap.
func (b *AccessRecords) Commit(ctx context.Context, puts []access.Put, audit *access.AuditEntry) (access.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return access.AuditEntry{}, err
	}
	write := func(tx *bolt.Tx) error { return putDocsTx(tx, puts) }
	var err error
	var stored access.AuditEntry
	if audit == nil {
		err = b.db.Update(write)
	} else {
		j := b.journal
		j.mu.Lock()
		if err = j.usableLocked(); err == nil {
			stored = *audit
			stored.Seq = j.next
			var rec journalRecord
			if rec, err = newJournalRecord(stored); err == nil {
				if err = b.commitLocked(write, []journalRecord{rec}); err == nil {
					j.next++
				}
			}
		}
		j.mu.Unlock()
	}
	if err != nil {
		if errors.Is(err, access.ErrVersionMismatch) {
			return access.AuditEntry{}, err
		}
		return access.AuditEntry{}, translate(err, "access records: commit")
	}
	return stored, nil
}

// putDocsTx checks every put's version and writes it inside tx.
func putDocsTx(tx *bolt.Tx, puts []access.Put) error {
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
	return nil
}

// commitLocked runs write (when not nil) and appends recs, whose Seq
// values follow the journal's last, in one bbolt transaction that first
// folds the journal's waiting entries. The journal's lock is held, so
// that no group is being synced meanwhile.
func (b *AccessRecords) commitLocked(write func(*bolt.Tx) error, recs []journalRecord) error {
	j := b.journal
	pending := j.unfolded()
	var through uint64
	err := b.db.Update(func(tx *bolt.Tx) error {
		if write != nil {
			if err := write(tx); err != nil {
				return err
			}
		}
		var err error
		through, err = putAuditsTx(tx, append(slices.Clip(pending), recs...))
		if err == nil && len(recs) > 0 && through != uint64(recs[len(recs)-1].entry.Seq) {
			err = fmt.Errorf("audit log holds entries up to %d, not up to %d as its journal says", through, recs[len(recs)-1].entry.Seq)
		}
		return err
	})
	if err != nil {
		return err
	}
	removeSegments(j.folded(int64(through), true))
	return nil
}

// AppendAudits appends every entry with one record of the audit journal:
// one write and one fdatasync for all. When the journal cannot take them
// (its disk refuses the write or the sync), they go straight into bbolt.
func (b *AccessRecords) AppendAudits(ctx context.Context, entries []access.AuditEntry) ([]access.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return []access.AuditEntry{}, nil
	}
	j := b.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.usableLocked(); err != nil {
		return nil, translate(err, "access records: append audit")
	}
	out := make([]access.AuditEntry, len(entries))
	recs := make([]journalRecord, len(entries))
	for i, e := range entries {
		e.Seq = j.next + int64(i)
		rec, err := newJournalRecord(e)
		if err != nil {
			return nil, err
		}
		out[i], recs[i] = e, rec
	}
	if jerr := j.writeLocked(recs); jerr != nil {
		if err := b.commitLocked(nil, recs); err != nil {
			// The records may be in the journal all the same, under Seq
			// values a later entry would then take: nothing more is
			// appended until the registry is opened again and replays.
			j.broken = fmt.Errorf("embeddedstore: audit journal and registry both failed; reopen the registry: %w", errors.Join(jerr, err))
			return nil, translate(j.broken, "access records: append audit")
		}
		j.next += int64(len(recs))
		return out, nil
	}
	j.next += int64(len(recs))
	if j.publish(recs) >= journalFoldAt {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	return out, nil
}

// QueryAudit walks the log from AfterSeq, filtering as it goes, until it
// has Limit entries: first bbolt, then the acknowledged entries the
// journal has not folded into it yet. Those are taken before bbolt is
// read, since a fold removes them only after bbolt holds them.
func (b *AccessRecords) QueryAudit(ctx context.Context, f access.AuditFilter) ([]access.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pending := b.journal.unfolded()
	out := []access.AuditEntry{}
	seen := f.AfterSeq
	err := b.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(seqKey(f.AfterSeq + 1)); k != nil && len(out) < f.Limit; k, v = c.Next() {
			seen = int64(binary.BigEndian.Uint64(k))
			var e access.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("embeddedstore: access records: decode audit entry %d: %w", seen, err)
			}
			if f.Matches(e) {
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range pending {
		if len(out) == f.Limit {
			break
		}
		if r.entry.Seq > seen && f.Matches(r.entry) {
			// The caller owns what it is given; the journal's copy stays as synced.
			e := r.entry
			e.Entities, e.DataCountries = slices.Clone(e.Entities), slices.Clone(e.DataCountries)
			out = append(out, e)
		}
	}
	return out, nil
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

// PruneAudit folds the journal's waiting entries and deletes the entries
// up to seq through, in one transaction; the bucket's sequence goes on
// from where it was, and a replay skips a pruned entry, as bbolt's
// sequence is past it.
func (b *AccessRecords) PruneAudit(ctx context.Context, through int64) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	j := b.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	err := b.commitLocked(func(tx *bolt.Tx) error {
		ab := tx.Bucket(bucketAudit)
		if _, err := putAuditsTx(tx, j.unfolded()); err != nil {
			return err
		}
		// Keys are gathered first: deleting under a moving cursor skips keys.
		var keys [][]byte
		c := ab.Cursor()
		for k, _ := c.First(); k != nil && int64(binary.BigEndian.Uint64(k)) <= through; k, _ = c.Next() {
			keys = append(keys, append([]byte(nil), k...))
		}
		for _, k := range keys {
			if err := ab.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	}, nil)
	return n, translate(err, "access records: prune audit")
}
