package embeddedstore

import (
	"context"
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
		if e, ok := s.entities[id]; ok {
			return &e.Entity
		}
		return nil
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
		if stored, ok := s.links[l.ID]; old == nil && ok {
			old = &stored.Link
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

	// Records keep their sequence numbers; new ones take the next.
	m := s.mark()
	entityRecords := make([]*entityRecord, len(entityOrder))
	for i, id := range entityOrder {
		r := &entityRecord{Entity: *entities[id]}
		if stored, ok := s.entities[id]; ok {
			r.seq = stored.seq
		} else {
			s.lastEntity++
			r.seq = s.lastEntity
		}
		entityRecords[i] = r
	}
	linkRecords := make([]*linkRecord, len(linkOrder))
	for i, id := range linkOrder {
		r := &linkRecord{Link: *links[id]}
		if stored, ok := s.links[id]; ok {
			r.seq = stored.seq
		} else {
			s.lastLink++
			r.seq = s.lastLink
		}
		linkRecords[i] = r
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return s.put(tx, entityRecords, linkRecords) }); err != nil {
		s.rollback(m)
		return intel.UpsertResult{}, translate(err, "upsert")
	}
	s.dict.commit()
	for _, r := range entityRecords {
		if stored, ok := s.entities[r.ID]; ok {
			r.classes = stored.classes
			*stored = *r
		} else {
			s.entities[r.ID] = r
		}
	}
	// A new link adds its class to its ends; a stored link whose class
	// changed leaves its ends to be classified again, once each.
	stale := map[*entityRecord]bool{}
	for _, r := range linkRecords {
		from, to := s.entities[r.From], s.entities[r.To]
		if stored, ok := s.links[r.ID]; ok {
			if classOf(&stored.Link) != classOf(&r.Link) || (stored.Retraction == nil) != (r.Retraction == nil) {
				stale[from], stale[to] = true, true
			}
			s.indexSites(&stored.Link, &r.Link)
			*stored = *r // in place: the adjacency points at it
			continue
		}
		s.links[r.ID] = r
		s.indexSites(nil, &r.Link)
		s.adjacency[r.From] = append(s.adjacency[r.From], r)
		s.adjacency[r.To] = append(s.adjacency[r.To], r)
		if r.Retraction == nil {
			from.addClass(classOf(&r.Link))
			to.addClass(classOf(&r.Link))
		}
	}
	for e := range stale {
		s.reclassify(e)
	}
	return res, nil
}
