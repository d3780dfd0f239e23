// Package access is the registry behind cross-border sharing: the agencies
// of the two countries and their API keys, the agreements under which
// evidence crosses the border, coordinators' evidence requests and the
// grants that answer them, suspects' legal status, and the append-only
// audit log of who did and saw what.
//
// The Registry holds the rules; it keeps its state in a Records backend, a
// small document store with an append-only audit log. Two backends meet the
// same contract and pass the same suite (access/registrytest), each next to
// the graph store of its technology: embeddedstore.AccessRecords, a bbolt
// file beside the embedded graph, and neo4jstore.AccessRecords, nodes in the
// production Neo4j sharing the graph store's driver. Every change made through the Registry is written together with
// its own audit entry in one transaction, so the log can never miss a
// change that was acknowledged.
//
// Errors are *intel.Error values (EINVALID, ENOTFOUND, ECONFLICT,
// EFORBIDDEN, EUNAUTHENTICATED) whose Field names the offending input;
// anything else is an internal error.
package access
