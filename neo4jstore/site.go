package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// callersAtTemplate lists, per site, the phone numbers placing visible
// calls from it, in id order, one more than the bound so that HasMore can
// be told. The attribute cannot be a parameter without losing the index,
// so there is one statement per attribute (%[1]s, from intel's SiteAttr
// constants, never from input); the planner is told to seek the index,
// since left to itself it scans all of it (TestCallersAtSeeksTheSiteIndexes
// checks the plan). Link attributes are stored with attrPrefix.
const callersAtTemplate = `
UNWIND $values AS v
CALL {
  WITH v
  MATCH (a:Entity)-[r:CALLED]->()
  USING INDEX r:CALLED(%[1]s)
  WHERE r.%[1]s = v AND a.kind = 'PhoneNumber'
    AND ` + accessPredicate + `
  WITH DISTINCT a.id AS id
  ORDER BY id
  LIMIT $limit
  RETURN collect(id) AS ids
}
RETURN v, ids`

// siteIndexes and callersAt are, per site attribute, the relationship
// property index that a site is sought by (a site is asked about while
// one number is scored, so its calls are found by an index seek, never by
// scanning every call) and the CallersAt statement that seeks it.
var siteIndexes, callersAt = func() ([]string, map[intel.SiteAttr]string) {
	var indexes []string
	stmts := map[intel.SiteAttr]string{}
	for _, site := range []struct {
		attr  intel.SiteAttr
		index string
	}{{intel.SiteCell, "called_cell"}, {intel.SiteDevice, "called_imei"}} {
		prop := attrPrefix + string(site.attr)
		indexes = append(indexes, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR ()-[r:CALLED]-() ON (r.%s)", site.index, prop))
		stmts[site.attr] = fmt.Sprintf(callersAtTemplate, prop)
	}
	return indexes, stmts
}()

// CallersAt runs the attribute's callersAt statement in one read transaction.
func (s *Store) CallersAt(ctx context.Context, q intel.SiteQuery) (map[string]intel.SiteCallers, error) {
	if err := q.Normalize(); err != nil {
		return nil, err
	}
	out := map[string]intel.SiteCallers{}
	if len(q.Values) == 0 {
		return out, nil
	}
	stmt := callersAt[q.Attr]
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
