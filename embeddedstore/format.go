package embeddedstore

import (
	"encoding/binary"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/intel"
)

// The data file's layout, format 2.
//
// Every entity and every link has a sequence number, handed out in the
// order they were first stored and never reused; it is the record's key,
// eight bytes big-endian, so that new records append to the last page of
// their bucket and pages fill (FillPercent 1) instead of splitting
// half-empty as random keys make them. A link names its ends by their
// sequence numbers, not by their ids. The values are the compact binary
// records of record.go, whose repeated strings are codes of the string
// dictionary (dictionary.go). The public ids are in the records, and the
// in-memory maps find a record's key from its id, so the file keeps no
// index beside the records: all of the data is in one place, once.
//
// Format 1 kept JSON values under the public ids in the buckets "entities"
// and "links"; Open rewrites such a file into format 2 (migrate.go).
var (
	bucketEntityRecords = []byte("entity-records")
	bucketLinkRecords   = []byte("link-records")
	bucketDictionary    = []byte("strings")
	bucketMeta          = []byte("meta")
	keyInstance         = []byte("instance")
	keyFormat           = []byte("format")
)

// format is the layout this build writes; the meta bucket names it.
const format = 2

// entityRecord is a stored entity, its sequence number and the classes of
// its links that are not retracted, sorted (see classes.go).
type entityRecord struct {
	intel.Entity
	seq     uint64
	classes []intel.FactClass
}

// linkRecord is a stored link and its sequence number.
type linkRecord struct {
	intel.Link
	seq uint64
}

func recordKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// createBuckets makes format 2's buckets and names the format.
func createBuckets(tx *bolt.Tx, meta *bolt.Bucket) error {
	for _, name := range [][]byte{bucketEntityRecords, bucketLinkRecords, bucketDictionary} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return meta.Put(keyFormat, []byte(strconv.Itoa(format)))
}

// read loads a format 2 file into memory.
func (s *Store) read(tx *bolt.Tx) error {
	if err := s.dict.load(tx.Bucket(bucketDictionary)); err != nil {
		return err
	}
	// ends[seq] is the id of entity seq while the links are read.
	ends := []string{""}
	eb := tx.Bucket(bucketEntityRecords)
	if k, _ := eb.Cursor().Last(); k != nil {
		ends = make([]string, binary.BigEndian.Uint64(k)+1)
	}
	if err := eb.ForEach(func(k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		e, err := decodeEntity(v, s.dict)
		if err != nil {
			return fmt.Errorf("embeddedstore: entity record %d: %w", seq, err)
		}
		s.entities[e.ID] = &entityRecord{Entity: e, seq: seq}
		ends[seq] = e.ID
		s.lastEntity = seq
		return nil
	}); err != nil {
		return err
	}
	end := func(seq uint64) (string, bool) {
		if seq >= uint64(len(ends)) || ends[seq] == "" {
			return "", false
		}
		return ends[seq], true
	}
	if err := tx.Bucket(bucketLinkRecords).ForEach(func(k, v []byte) error {
		seq := binary.BigEndian.Uint64(k)
		l, err := decodeLink(v, s.dict, end)
		if err != nil {
			return fmt.Errorf("embeddedstore: link record %d: %w", seq, err)
		}
		r := &linkRecord{Link: l, seq: seq}
		s.links[l.ID] = r
		s.adjacency[l.From] = append(s.adjacency[l.From], r)
		s.adjacency[l.To] = append(s.adjacency[l.To], r)
		s.indexSites(nil, &r.Link)
		s.lastLink = seq
		return nil
	}); err != nil {
		return err
	}
	for _, e := range s.entities {
		s.reclassify(e)
	}
	return nil
}

// put writes records to the file in tx, with the dictionary codes their
// encoding hands out. A link's ends are among entities or already stored.
// The caller rolls the dictionary back if tx fails (see rollback).
func (s *Store) put(tx *bolt.Tx, entities []*entityRecord, links []*linkRecord) error {
	eb, lb := tx.Bucket(bucketEntityRecords), tx.Bucket(bucketLinkRecords)
	eb.FillPercent, lb.FillPercent = 1, 1
	seqs := make(map[string]uint64, len(entities))
	for _, e := range entities {
		seqs[e.ID] = e.seq
		// bbolt keeps the slices it is given until the commit: one
		// buffer per record.
		if err := eb.Put(recordKey(e.seq), encodeEntity(nil, s.dict, &e.Entity)); err != nil {
			return err
		}
	}
	seqOf := func(id string) (uint64, error) {
		if seq, ok := seqs[id]; ok {
			return seq, nil
		}
		if e, ok := s.entities[id]; ok {
			return e.seq, nil
		}
		return 0, fmt.Errorf("embeddedstore: link end %s is not stored", id)
	}
	for _, l := range links {
		from, err := seqOf(l.From)
		if err != nil {
			return err
		}
		to, err := seqOf(l.To)
		if err != nil {
			return err
		}
		if err := lb.Put(recordKey(l.seq), encodeLink(nil, s.dict, &l.Link, from, to)); err != nil {
			return err
		}
	}
	return s.dict.save(tx.Bucket(bucketDictionary))
}

// mark is the state a failed write returns to.
type mark struct{ lastEntity, lastLink uint64 }

func (s *Store) mark() mark { return mark{s.lastEntity, s.lastLink} }

// rollback forgets the sequence numbers and dictionary codes handed out
// since m by a write whose transaction failed.
func (s *Store) rollback(m mark) {
	s.lastEntity, s.lastLink = m.lastEntity, m.lastLink
	s.dict.rollback()
}
