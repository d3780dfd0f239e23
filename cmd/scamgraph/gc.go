package main

import (
	"os"
	"runtime/debug"
)

// streamingGCPercent is the GC target of an import that streams into Neo4j
// or a server. Such an import keeps only a few batches alive (tens of MB),
// so at Go's default of 100 the collector runs every few batches and takes
// about a sixth of the process's CPU, CPU the database on the same machine
// could have used. At 400 it runs a quarter as often, for a peak of about
// 300 MB (figures in the closing note of the ingest issue).
const streamingGCPercent = 400

// streamingMemoryLimit caps the heap that the higher target allows, so that
// an unusually large record stream cannot take the process far past it: the
// collector works harder near the limit instead.
const streamingMemoryLimit = 1 << 30

// tuneGCForStreaming applies the two settings above unless the operator
// set GOGC or GOMEMLIMIT. It is not for the embedded store, whose import
// holds the whole graph in memory: there a higher target would multiply a
// heap already the size of the graph.
func tuneGCForStreaming() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(streamingGCPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(streamingMemoryLimit)
	}
}
