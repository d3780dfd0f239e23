package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// retractTemplate sets a link's retraction unless it has one: the first
// retraction stands (coalesce keeps it), so a retried call changes nothing.
// The link's class may have been the last of its kind at either end, so
// the ends' fact classes are worked out again when the link was not
// retracted before (see factclass.go).
// %s is a type from intel.LinkSpecs, never input.
const retractTemplate = `
MATCH (a:Entity)-[r:%s {id: $id}]->(b:Entity) USING INDEX r:%[1]s(id)
WITH a, b, r, r.retractedAt IS NULL AS changed
SET r.retractedAt = coalesce(r.retractedAt, $at),
    r.retractedBy = coalesce(r.retractedBy, $agency),
    r.retractReason = coalesce(r.retractReason, $reason)
WITH a, b, r, changed` + recomputeClassesClause + `
RETURN properties(r) AS link, type(r) AS type, a.id AS from, b.id AS to`

var retractByType = func() map[intel.LinkType]string {
	m := map[intel.LinkType]string{}
	for _, spec := range intel.LinkSpecs {
		m[spec.Type] = fmt.Sprintf(retractTemplate, spec.Type)
	}
	return m
}()

// Retract records a link's retraction in one write transaction.
func (s *Store) Retract(ctx context.Context, r intel.RetractRequest) (intel.Link, error) {
	r.Normalize(s.now())
	if err := r.Validate(); err != nil {
		return intel.Link{}, err
	}
	t, _ := intel.LinkTypeOfID(r.LinkID) // Validate checked it
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (intel.Link, error) {
		res, err := tx.Run(ctx, retractByType[t], map[string]any{
			"id": r.LinkID, "at": r.At.UnixMilli(), "agency": r.Agency, "reason": r.Reason,
		})
		if err != nil {
			return intel.Link{}, err
		}
		if !res.Next(ctx) {
			if err := res.Err(); err != nil {
				return intel.Link{}, err
			}
			return intel.Link{}, intel.Errorf(intel.ENOTFOUND, "id", "no link with id %q", r.LinkID)
		}
		l, err := linkFromRecord(res.Record().Get)
		if err != nil {
			return intel.Link{}, err
		}
		return l, res.Err()
	})
}
