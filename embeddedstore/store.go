// Package embeddedstore is the default backend: the whole graph in memory for
// fast traversal, with every acknowledged write in a bbolt file under the
// data directory first. bbolt commits with fsync, so a write that Upsert
// acknowledged survives kill -9; Open reads the file back into memory.
// format.go describes the file's layout.
package embeddedstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/intel"
)

// FileName is the database file inside the data directory.
const FileName = "scamgraph.db"

// Store is the embedded implementation of intel.Store.
type Store struct {
	dir string
	db  *bolt.DB
	// now is the clock used for ingestion times; tests may replace it.
	now func() time.Time

	// mu guards the in-memory graph. Writers hold it while they commit to
	// bbolt, so memory never runs ahead of what is durable.
	mu       sync.RWMutex
	entities map[string]*entityRecord
	links    map[string]*linkRecord
	// adjacency maps an entity id to every link at it, both directions. A
	// write changes a stored record in place, so these pointers stay good.
	adjacency map[string][]*linkRecord
	// dict, lastEntity and lastLink are the file's string dictionary and
	// the last sequence numbers handed out (see format.go); writers
	// change them under mu's write lock.
	dict                 *dictionary
	lastEntity, lastLink uint64
	// sites maps a site (see siteKey) to the ids of the calls naming it.
	sites map[string][]string
	// instance names this data directory's contents (see InstanceID).
	instance string
}

var _ intel.Store = (*Store)(nil)

// Open opens (creating if needed) the store under dir and loads it into memory.
// Only one process may hold a data directory; a second Open fails within a
// second with an *InUseError naming the holder's pid (see PIDFileName).
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("embeddedstore: create data dir: %w", err)
	}
	db, err := openBolt(filepath.Join(dir, FileName))
	var inUse *InUseError
	if errors.As(err, &inUse) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("embeddedstore: open %s: %w", dir, err)
	}
	writePID(dir)
	s := &Store{
		dir:       dir,
		db:        db,
		now:       time.Now,
		entities:  map[string]*entityRecord{},
		links:     map[string]*linkRecord{},
		adjacency: map[string][]*linkRecord{},
		dict:      newDictionary(),
		sites:     map[string][]string{},
	}
	if err := s.load(); err != nil {
		db.Close()
		removePID(dir)
		return nil, err
	}
	return s, nil
}

func (s *Store) load() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		mb, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if id := mb.Get(keyInstance); id != nil {
			s.instance = string(id)
		} else {
			buf := make([]byte, 16)
			if _, err := rand.Read(buf); err != nil {
				return err
			}
			s.instance = hex.EncodeToString(buf)
			if err := mb.Put(keyInstance, []byte(s.instance)); err != nil {
				return err
			}
		}
		if err := s.upgrade(tx, mb); err != nil {
			return err
		}
		return s.read(tx)
	})
}

// Ping always succeeds once the store is open: it has no remote part.
func (s *Store) Ping(ctx context.Context) error {
	if s.db == nil {
		return errors.New("embeddedstore: closed")
	}
	return ctx.Err()
}

// Close flushes and closes the database file.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	removePID(s.dir)
	return err
}

// InstanceID is a random id made when the data directory was created. A
// cache keys its entries with it, so that a new or replaced data directory
// never sees entries cached for another.
func (s *Store) InstanceID(ctx context.Context) (string, error) { return s.instance, nil }

// Counts returns how many entities and links are stored; benchmarks and the
// CLI use it to report sizes.
func (s *Store) Counts() (entities, links int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.entities), len(s.links)
}
