package guard

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// CallersAt lists the callers at sites through visible calls only: the
// store applies the reader's rules, the granted facts among them, so a
// number is never grouped with a line by a call its reader may not see.
// Like LinkedEntities it names ids only, which the reader's own reads of
// them then mask and audit.
func (s *Store) CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	q.Access = s.access
	return s.inner.CallersAt(ctx, q)
}
