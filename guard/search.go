package guard

import (
	"context"

	"github.com/scamgraph/scamgraph/intel"
)

// searchRounds bounds how many pages of candidates one search reads from
// the inner store while looking for answers the reader may see.
const searchRounds = 5

// Search answers q with the entities the reader may see that still match
// as the reader sees them: a suspect found by a name the reader would see
// masked is not an answer, and nothing about it is reported. Candidates
// come from the inner store in id order, a page at a time.
func (s *Store) Search(ctx context.Context, q intel.SearchQuery) ([]intel.Entity, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	page := q
	page.Limit = intel.MaxSearchLimit
	var out []intel.Entity
	for round := 0; round < searchRounds && len(out) < q.Limit; round++ {
		cands, err := s.inner.Search(ctx, page)
		if err != nil {
			return nil, err
		}
		if len(cands) == 0 {
			break
		}
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = c.ID
		}
		scratch := &Report{}
		view := New(s.inner, s.access, scratch)
		shown, err := view.GetEntities(ctx, ids)
		if err != nil {
			return nil, err
		}
		kept := map[string]bool{}
		for _, id := range ids {
			e, ok := shown[id]
			if !ok || !q.Matches(e) {
				continue
			}
			kept[id] = true
			out = append(out, e)
			if len(out) == q.Limit {
				break
			}
		}
		s.report.MergeOnly(scratch, kept)
		if len(cands) < page.Limit {
			break
		}
		page.After = cands[len(cands)-1].ID
	}
	return out, nil
}
