package rediscache

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// Summaries caches each entity's summary under its id. A summary changes
// only when a link at the entity is written, and every Upsert deletes the
// summaries of both ends of each link it carries.
func (c *Store) Summaries(ctx context.Context, ids []string) (map[string]intel.Summary, error) {
	return getMany(ctx, c, "Summaries", &c.summaries, ids)
}
