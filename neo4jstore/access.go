package neo4jstore

import "github.com/scamgraph/scamgraph/intel"

// accessPredicate is intel.Access.Allows for a relationship r, written once
// and spliced into every read that follows links, so that a page, a count,
// an expansion level or a shortest path only ever sees facts the reader
// may see. It is a constant: the reader's terms arrive as parameters (see
// addAccessParams). Its first part is intel.Access.Current: without $asOf
// a retracted fact is gone; with it, the facts stored by then and not
// retracted by then.
const accessPredicate = `(CASE WHEN $asOf IS NULL THEN r.retractedAt IS NULL
       ELSE r.ingestedAt <= $asOf AND coalesce(r.retractedAt > $asOf, true) END)
  AND ($all OR r.agency = $agency OR r.id IN $granted
     OR (r.visibility <> 'RESTRICTED'
         AND (r.country = $country OR (r.visibility = 'SHAREABLE' AND type(r) IN $sharedTypes))))`

// addAccessParams sets the parameters accessPredicate reads.
func addAccessParams(params map[string]any, a *intel.Access) {
	params["all"] = a.Unrestricted()
	params["asOf"] = nil
	if a != nil {
		params["asOf"] = msOrNil(a.AsOf)
	}
	params["agency"], params["country"] = "", ""
	params["granted"], params["sharedTypes"] = []string{}, []string{}
	if !a.Unrestricted() {
		params["agency"], params["country"] = a.Agency, string(a.Country)
		params["granted"], params["sharedTypes"] = nonNil(a.Granted), a.SharedTypes()
	}
}
