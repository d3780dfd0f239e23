package embeddedstore

import (
	"context"
	"encoding/json"
	"reflect"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/intel"
)

// Upsert validates the batch, merges it into the current state, commits the
// changed records to bbolt in one fsynced transaction, and only then makes
// them visible in memory.
func (s *Store) Upsert(ctx context.Context, b intel.Batch) (intel.UpsertResult, error) {
	b = b.Clone()
	if err := b.Validate(); err != nil {
		return intel.UpsertResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return intel.UpsertResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return intel.UpsertResult{}, intel.Errorf(intel.EINTERNAL, "", "store is closed")
	}
	now := s.now()
	var res intel.UpsertResult
	entities := map[string]*intel.Entity{} // changed in this batch
	links := map[string]*intel.Link{}
	var entityOrder, linkOrder []string

	current := func(id string) *intel.Entity {
		if e, ok := entities[id]; ok {
			return e
		}
		return s.entities[id]
	}
	put := func(e intel.Entity) {
		old := current(e.ID)
		if old == nil {
			res.EntitiesCreated++
		}
		merged := intel.MergeEntity(old, e, now)
		if old != nil && reflect.DeepEqual(*old, merged) {
			return // nothing new: a replayed record writes nothing
		}
		if _, seen := entities[merged.ID]; !seen {
			entityOrder = append(entityOrder, merged.ID)
		}
		entities[merged.ID] = &merged
	}
	for _, e := range b.Entities {
		put(e)
	}
	for _, l := range b.Links {
		for _, end := range []string{l.From, l.To} {
			if current(end) == nil {
				stub, _ := intel.StubEntity(end) // ends were validated
				put(stub)
			}
		}
		old := links[l.ID]
		if old == nil {
			old = s.links[l.ID]
		}
		if old == nil {
			res.LinksCreated++
		}
		merged := intel.MergeLink(old, l, now)
		if old != nil && reflect.DeepEqual(*old, merged) {
			continue
		}
		if _, seen := links[merged.ID]; !seen {
			linkOrder = append(linkOrder, merged.ID)
		}
		links[merged.ID] = &merged
	}
	if len(entityOrder) == 0 && len(linkOrder) == 0 {
		return res, nil
	}

	err := s.db.Update(func(tx *bolt.Tx) error {
		eb, lb := tx.Bucket(bucketEntities), tx.Bucket(bucketLinks)
		for _, id := range entityOrder {
			buf, err := json.Marshal(entities[id])
			if err != nil {
				return err
			}
			if err := eb.Put([]byte(id), buf); err != nil {
				return err
			}
		}
		for _, id := range linkOrder {
			buf, err := json.Marshal(links[id])
			if err != nil {
				return err
			}
			if err := lb.Put([]byte(id), buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return intel.UpsertResult{}, translate(err, "upsert")
	}
	for _, id := range entityOrder {
		s.entities[id] = entities[id]
	}
	for _, id := range linkOrder {
		l := links[id]
		old, existed := s.links[id]
		if !existed {
			s.adjacency[l.From] = append(s.adjacency[l.From], id)
			s.adjacency[l.To] = append(s.adjacency[l.To], id)
		}
		s.indexSites(old, l)
		s.links[id] = l
		s.forgetClasses(l.From, l.To)
	}
	return res, nil
}
