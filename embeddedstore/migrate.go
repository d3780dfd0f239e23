package embeddedstore

import (
	"encoding/json"
	"fmt"
	"log"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/intel"
)

// Format 1's buckets: JSON values under the public ids.
var (
	bucketEntitiesV1 = []byte("entities")
	bucketLinksV1    = []byte("links")
)

// upgrade brings the file in tx to this build's format: a new file gets
// format 2's buckets, and a format 1 file is rewritten into them (see
// migrateV1). The rewrite is one transaction, so a crash during it
// leaves the format 1 file as it was, and the next Open starts over.
func (s *Store) upgrade(tx *bolt.Tx, meta *bolt.Bucket) error {
	switch v := string(meta.Get(keyFormat)); v {
	case strconv.Itoa(format):
		return nil
	case "": // format 1, or a new file
	default:
		return fmt.Errorf("embeddedstore: %s is in format %s, which this build does not read: use a newer scamgraph", s.dir, v)
	}
	if err := createBuckets(tx, meta); err != nil {
		return err
	}
	if tx.Bucket(bucketEntitiesV1) == nil && tx.Bucket(bucketLinksV1) == nil {
		return nil
	}
	entities, links, err := s.migrateV1(tx)
	if err != nil {
		return fmt.Errorf("embeddedstore: rewrite %s from format 1: %w", s.dir, err)
	}
	log.Printf("embeddedstore: rewrote the data file in %s from format 1 (JSON records) into format 2 "+
		"(binary records; %d entities, %d links); the pages format 1 used are reused by later writes, "+
		"and `scamgraph compact --data-dir %s` returns them to the file system now", s.dir, entities, links, s.dir)
	return nil
}

// migrateV1 copies format 1's records into format 2's buckets, entities
// and links each in id order, and deletes format 1's buckets. It streams:
// only the entities' sequence numbers are held, not the records.
func (s *Store) migrateV1(tx *bolt.Tx) (entities, links int, err error) {
	eb, lb := tx.Bucket(bucketEntityRecords), tx.Bucket(bucketLinkRecords)
	eb.FillPercent, lb.FillPercent = 1, 1
	seqs := map[string]uint64{}
	var lastEntity, lastLink uint64
	putEntity := func(e *intel.Entity) error {
		lastEntity++
		seqs[e.ID] = lastEntity
		return eb.Put(recordKey(lastEntity), encodeEntity(nil, s.dict, e))
	}
	if old := tx.Bucket(bucketEntitiesV1); old != nil {
		if err := old.ForEach(func(k, v []byte) error {
			var e intel.Entity
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entity %s: %w", k, err)
			}
			return putEntity(&e)
		}); err != nil {
			return 0, 0, err
		}
	}
	// A format 1 link whose end has no record (no write made one, but a
	// file is not to be trusted blindly) gets the stub Upsert would have
	// made, so that no link is lost.
	seqOf := func(id string) (uint64, error) {
		if seq, ok := seqs[id]; ok {
			return seq, nil
		}
		stub, err := intel.StubEntity(id)
		if err != nil {
			return 0, err
		}
		return lastEntity + 1, putEntity(&stub)
	}
	if old := tx.Bucket(bucketLinksV1); old != nil {
		if err := old.ForEach(func(k, v []byte) error {
			var l intel.Link
			if err := json.Unmarshal(v, &l); err != nil {
				return fmt.Errorf("link %s: %w", k, err)
			}
			from, err := seqOf(l.From)
			if err != nil {
				return fmt.Errorf("link %s: %w", k, err)
			}
			to, err := seqOf(l.To)
			if err != nil {
				return fmt.Errorf("link %s: %w", k, err)
			}
			lastLink++
			return lb.Put(recordKey(lastLink), encodeLink(nil, s.dict, &l, from, to))
		}); err != nil {
			return 0, 0, err
		}
	}
	if err := s.dict.save(tx.Bucket(bucketDictionary)); err != nil {
		return 0, 0, err
	}
	for _, name := range [][]byte{bucketEntitiesV1, bucketLinksV1} {
		if tx.Bucket(name) == nil {
			continue
		}
		if err := tx.DeleteBucket(name); err != nil {
			return 0, 0, err
		}
	}
	// read loads the dictionary again from the file.
	s.dict = newDictionary()
	return len(seqs), int(lastLink), nil
}
