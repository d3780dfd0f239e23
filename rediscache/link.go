package rediscache

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// GetLinks caches links by id like GetEntities caches entities. A link
// changes only when a batch re-sends it, and every Upsert deletes the keys
// of the links it carries.
func (c *Store) GetLinks(ctx context.Context, ids []string) (map[string]intel.Link, error) {
	return getMany(ctx, c, "GetLinks", &c.links, ids)
}
