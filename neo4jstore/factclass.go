package neo4jstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/scamgraph/scamgraph/intel"
)

// Each entity node keeps in factClasses the distinct classes (type,
// country, marking, agency: intel.FactClass) of its links that are not
// retracted, as strings "TYPE|COUNTRY|MARKING|AGENCY". A reader's view
// asks for them on every entity it shows (GetClassified), and a hub has
// thousands of links but a handful of classes, so keeping them on the
// node makes that read one property instead of a scan of the links.
//
// Every write keeps the list exact:
//   - a new entity starts with an empty list (mergeEntityClause, the stub
//     ends of upsertLinksTemplate);
//   - a link merged and not retracted adds its class to both ends when it
//     is missing (mergeLinkClause); MERGE holds both ends' locks, so two
//     writers never lose each other's class;
//   - a link whose class changes on a re-upsert, and a retracted link, may
//     leave a class without a link, so both ends are worked out again from
//     their links (recomputeClassesClause).
//
// Entities are read back as n {.*, factClasses: null}, every property
// but the list: no entity read uses it (GetClassified asks for it apart),
// and on a busy node it is dozens of strings, which a page of links or a
// network of 500 nodes would otherwise ship and decode with every node.
//
// A node without the property (written before it existed) is worked out
// from its links when read, and Open starts filling it in for every such
// node (fillFactClassesInBackground), so a store written by an earlier
// version needs no separate migration step, and answers correctly while
// the filling is under way.

// classOfR is the Cypher expression of relationship r's class. Only the
// agency may hold a '|' (type, country and marking never do), and it comes
// last, so decodeFactClass splits the string unambiguously.
const classOfR = `type(r) + '|' + coalesce(r.country, '') + '|' + coalesce(r.visibility, '') + '|' + coalesce(r.agency, '')`

// classesOfN is the Cypher expression of node n's classes worked out from
// its links, for a node that has no factClasses yet.
const classesOfN = `COLLECT { MATCH (n)-[r]-() WHERE r.retractedAt IS NULL RETURN DISTINCT ` + classOfR + ` }`

// recomputeClassesClause works the classes of nodes a and b out again
// from their links, when changed is true (a retraction, a class changed by
// a re-upsert). The first SET takes n's write lock before its links are
// read, so a link merged concurrently (MERGE locks its ends) is either
// committed and seen here, or waits and then adds its class to the list
// written here. A node without the property is left to be worked out when
// read. It is a unit subquery: the rows pass through unchanged.
const recomputeClassesClause = `
CALL {
  WITH a, b, changed
  WITH a, b WHERE changed
  UNWIND [a, b] AS n
  WITH DISTINCT n WHERE n.factClasses IS NOT NULL
  SET n.factClasses = n.factClasses
  WITH n
  SET n.factClasses = ` + classesOfN + `
}`

// decodeFactClass reads one stored class string.
func decodeFactClass(s string) (intel.FactClass, bool) {
	parts := strings.SplitN(s, "|", 4)
	if len(parts) != 4 {
		return intel.FactClass{}, false
	}
	return intel.FactClass{Type: intel.LinkType(parts[0]), Country: intel.Region(parts[1]),
		Visibility: intel.Visibility(parts[2]), Agency: parts[3]}, true
}

// factClassesFrom turns a stored (or worked out) list into sorted,
// distinct classes.
func factClassesFrom(v any) ([]intel.FactClass, error) {
	var set intel.FactClassSet
	items, _ := v.([]any)
	for _, it := range items {
		c, ok := decodeFactClass(str(it))
		if !ok {
			return nil, fmt.Errorf("neo4jstore: malformed fact class %q", it)
		}
		set.AddClass(c)
	}
	return set.Classes(), nil
}

// fillFactClasses gives every entity node written before factClasses
// existed its list, in transactions of a few thousand nodes, so a large
// graph never needs one huge transaction. Each node is locked (the first
// SET) before its links are read, for the reason recomputeClassesClause
// gives. On a graph written by this version it finds nothing to do.
const fillFactClasses = `
MATCH (n:Entity) WHERE n.factClasses IS NULL
CALL {
  WITH n
  SET n.factClasses = []
  WITH n
  SET n.factClasses = ` + classesOfN + `
} IN TRANSACTIONS OF 2000 ROWS`

// fillFactClassesInBackground runs fillFactClasses once, as the store
// opens, apart from it: a graph of a million links written by an earlier
// version takes longer to fill than a start may wait, and reads work the
// classes out meanwhile. CALL … IN TRANSACTIONS needs an auto-commit
// statement. It is safe at every start, from every replica: a node
// already filled is skipped, and one filled twice gets the same list. An
// error (the store closed meanwhile, Neo4j gone) leaves the rest to the
// next start; each committed batch stays filled.
func (s *Store) fillFactClassesInBackground() {
	defer close(s.factClassesFilled)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	if res, err := sess.Run(ctx, fillFactClasses, nil); err == nil {
		_, _ = res.Consume(ctx)
	}
}
