package embeddedstore

import (
	"context"
	"encoding/json"

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
	l := old.Retracted(r)
	buf, err := json.Marshal(&l)
	if err != nil {
		return intel.Link{}, translate(err, "retract")
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLinks).Put([]byte(l.ID), buf)
	}); err != nil {
		return intel.Link{}, translate(err, "retract")
	}
	s.links[l.ID] = &l
	s.forgetClasses(l.From, l.To)
	return l.Clone(), nil
}
