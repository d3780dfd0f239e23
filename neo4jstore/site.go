package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// The site indexes: a site is asked about while one number is scored, so
// its calls are found by an index seek, never by scanning every call.
// Link attributes are stored with attrPrefix.
var siteIndexes = []string{
	`CREATE INDEX called_cell IF NOT EXISTS FOR ()-[r:CALLED]-() ON (r.attr_cellId)`,
	`CREATE INDEX called_imei IF NOT EXISTS FOR ()-[r:CALLED]-() ON (r.attr_imei)`,
}

// callersAtCell and callersAtDevice list, per site, the phone numbers
// placing visible calls from it, in id order, one more than the bound so
// that HasMore can be told. The attribute cannot be a parameter without
// losing the index, so there is one statement per attribute; the planner
// is told to seek the index, since left to itself it scans all of it
// (TestCallersAtSeeksTheSiteIndexes checks the plan).
const (
	callersAtCell = `
UNWIND $values AS v
CALL {
  WITH v
  MATCH (a:Entity)-[r:CALLED]->()
  USING INDEX r:CALLED(attr_cellId)
  WHERE r.attr_cellId = v AND a.kind = 'PhoneNumber'
    AND ` + accessPredicate + `
  WITH DISTINCT a.id AS id
  ORDER BY id
  LIMIT $limit
  RETURN collect(id) AS ids
}
RETURN v, ids`
	callersAtDevice = `
UNWIND $values AS v
CALL {
  WITH v
  MATCH (a:Entity)-[r:CALLED]->()
  USING INDEX r:CALLED(attr_imei)
  WHERE r.attr_imei = v AND a.kind = 'PhoneNumber'
    AND ` + accessPredicate + `
  WITH DISTINCT a.id AS id
  ORDER BY id
  LIMIT $limit
  RETURN collect(id) AS ids
}
RETURN v, ids`
)

// CallersAt runs callersAtCell or callersAtDevice in one read transaction.
func (s *Store) CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	out := map[string]intel.SiteCallers{}
	if len(q.Values) == 0 {
		return out, nil
	}
	stmt := callersAtCell
	if q.Attr == intel.SiteDevice {
		stmt = callersAtDevice
	}
	params := map[string]any{"values": q.Values, "limit": q.First + 1}
	addAccessParams(params, q.Access)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]intel.SiteCallers, error) {
		res, err := tx.Run(ctx, stmt, params)
		if err != nil {
			return nil, err
		}
		for res.Next(ctx) {
			rec := res.Record()
			v, _ := rec.Get("v")
			ids, _ := rec.Get("ids")
			page := intel.SiteCallers{IDs: strList(ids)}
			if len(page.IDs) == 0 {
				continue
			}
			if len(page.IDs) > q.First {
				page.IDs, page.HasMore = page.IDs[:q.First], true
			}
			out[str(v)] = page
		}
		return out, res.Err()
	})
}
