package rediscache

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// GetEntities answers from Redis what it can and reads the rest from the
// inner store in one call (see getMany). Ids that are not stored are absent
// from the map, as the contract requires, and are not cached.
func (c *Store) GetEntities(ctx context.Context, ids []string) (map[string]intel.Entity, error) {
	return getMany(ctx, c, "GetEntities", &c.entities, ids)
}

// FindEntity reads through the same per-id keys as GetEntities, since an
// entity's id is its kind and key. When the entity is not stored it asks the
// inner store once more, so that the ENOTFOUND error (its message and field)
// is exactly the inner store's; "not found" is never cached.
func (c *Store) FindEntity(ctx context.Context, kind intel.Kind, key string) (intel.Entity, error) {
	id := intel.EntityID(kind, key)
	got, err := getMany(ctx, c, "FindEntity", &c.entities, []string{id})
	if err != nil {
		return intel.Entity{}, err
	}
	if e, ok := got[id]; ok {
		return e, nil
	}
	return c.inner.FindEntity(ctx, kind, key)
}
