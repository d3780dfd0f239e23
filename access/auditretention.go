package access

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scamgraph/scamgraph/intel"
)

// The audit log's retention: the oldest entries leave the log only after
// they have been exported, and the pruning is itself an entry. An operator
// exports (AuditBefore, written to a file by `scamgraph audit export`),
// keeps the export, and prunes with it (PruneAudit); an entry that is not
// in the export, or differs from it, stops the pruning, so no entry is
// ever lost unseen.

// AuditBefore returns the oldest entries of the log in Seq order, up to
// (not including) the first entry made at or after until: a prefix of the
// log, so that pruning it leaves no gap behind a later entry.
func (r *Registry) AuditBefore(ctx context.Context, until time.Time) ([]AuditEntry, error) {
	if until.IsZero() {
		return nil, intel.Errorf(intel.EINVALID, "until", "is required")
	}
	var out []AuditEntry
	after := int64(0)
	for {
		page, err := r.rec.QueryAudit(ctx, AuditFilter{AfterSeq: after, Limit: MaxAuditLimit})
		if err != nil {
			return nil, err
		}
		for _, e := range page {
			if !e.At.Before(until) {
				return out, nil
			}
			out = append(out, e)
		}
		if len(page) < MaxAuditLimit {
			return out, nil
		}
		after = page[len(page)-1].Seq
	}
}

// PruneAudit removes from the log the entries of exported, which must be
// exactly the log's oldest entries up to the last one exported, each as
// stored; by names who prunes (see byActor). The pruning is recorded as an
// entry naming the range removed. It returns how many entries went.
func (r *Registry) PruneAudit(ctx context.Context, by string, exported []AuditEntry) (int, error) {
	if len(exported) == 0 {
		return 0, intel.Errorf(intel.EINVALID, "exported", "holds no entries: nothing to prune")
	}
	a, err := r.byActor(ctx, by)
	if err != nil {
		return 0, err
	}
	byseq := make(map[int64][]byte, len(exported))
	through := int64(0)
	for i, e := range exported {
		if e.Seq <= through {
			return 0, intel.Errorf(intel.EINVALID, fmt.Sprintf("exported[%d].seq", i), "is %d: an export lists entries in increasing order", e.Seq)
		}
		through = e.Seq
		byseq[e.Seq], _ = json.Marshal(e)
	}
	after := int64(0)
	for after < through {
		page, err := r.rec.QueryAudit(ctx, AuditFilter{AfterSeq: after, Limit: MaxAuditLimit})
		if err != nil {
			return 0, err
		}
		for _, e := range page {
			if e.Seq > through {
				break
			}
			raw, _ := json.Marshal(e)
			if string(raw) != string(byseq[e.Seq]) {
				return 0, intel.Errorf(intel.EINVALID, "exported", "lacks entry %d (at %s) or holds it changed: export again and prune with the new export",
					e.Seq, e.At.Format(time.RFC3339))
			}
		}
		if len(page) < MaxAuditLimit {
			break
		}
		after = page[len(page)-1].Seq
	}
	pruned, err := r.rec.PruneAudit(ctx, through)
	if err != nil {
		return 0, err
	}
	entry := r.auditFor(ctx, a, OpPruneAudit, KindAdmin, nil,
		fmt.Sprintf("pruned %d audit entries, seq %d to %d (%s to %s), after their export",
			pruned, exported[0].Seq, through, exported[0].At.Format(time.RFC3339), exported[len(exported)-1].At.Format(time.RFC3339)))
	if _, err := r.AppendAudit(ctx, *entry); err != nil {
		return pruned, fmt.Errorf("the entries were pruned but the pruning's own entry was not written: %w", err)
	}
	return pruned, nil
}
