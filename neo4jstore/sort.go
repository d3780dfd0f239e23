package neo4jstore

import "sort"

// sortedStrings sorts in place: Cypher list unions do not keep an order, and
// the contract hands back raw forms and markers sorted.
func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
