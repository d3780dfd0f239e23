package apitest

import (
	"syscall"
	"testing"
	"time"

	"github.com/scamgraph/scamgraph/neo4jstore/neo4jtest"
)

// cpuMeter is the processor time this process and the local Neo4j have
// used. On a machine shared with other work, wall-clock figures move with
// the neighbours' load; the processor time a request costs moves far less,
// so the network benchmarks report it beside their timings.
type cpuMeter struct {
	self, neo4j time.Duration
}

func readCPU() cpuMeter {
	m := cpuMeter{neo4j: neo4jtest.ProcessCPU()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		m.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return m
}

// reportCPU reports the processor time per operation since start: this
// process's (client, server and store in one) and Neo4j's.
func reportCPU(b *testing.B, start cpuMeter) {
	now := readCPU()
	n := float64(max(b.N, 1))
	b.ReportMetric(float64((now.self-start.self).Microseconds())/1000/n, "go-cpu-ms/op")
	if now.neo4j > 0 {
		b.ReportMetric(float64((now.neo4j-start.neo4j).Microseconds())/1000/n, "neo4j-cpu-ms/op")
	}
}
