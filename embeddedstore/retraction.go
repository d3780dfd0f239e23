package embeddedstore

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/scamgraph/scamgraph/intel"
)

// Retract marks a stored link retracted, committing it to bbolt before the
// in-memory graph shows it, as Upsert does.
func (s *Store) Retract(ctx context.Context, r intel.RetractRequest) (intel.Link, error) {
	r.Normalize(s.now())
	if err := r.Validate(); err != nil {
		return intel.Link{}, err
	}
	if err := ctx.Err(); err != nil {
		return intel.Link{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return intel.Link{}, intel.Errorf(intel.EINTERNAL, "", "store is closed")
	}
	old, ok := s.links[r.LinkID]
	if !ok {
		return intel.Link{}, intel.Errorf(intel.ENOTFOUND, "id", "no link with id %q", r.LinkID)
	}
	if old.Retraction != nil {
		return old.Clone(), nil
	}
	r2 := &linkRecord{Link: old.Retracted(r), seq: old.seq}
	if err := s.db.Update(func(tx *bolt.Tx) error { return s.put(tx, nil, []*linkRecord{r2}) }); err != nil {
		s.dict.rollback()
		return intel.Link{}, translate(err, "retract")
	}
	s.dict.commit()
	*old = *r2 // in place: the adjacency points at it
	s.reclassify(s.entities[old.From])
	s.reclassify(s.entities[old.To])
	return old.Clone(), nil
}
