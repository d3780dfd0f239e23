package apitest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuMeter reads the processor time this process and the local Neo4j have
// used. On a machine shared with other work, wall-clock figures move with
// the neighbours' load; the processor time a request costs moves far less,
// so the network benchmarks report it beside their timings.
type cpuMeter struct {
	self, neo4j time.Duration
}

// readCPU reads both clocks now. Neo4j's is read from /proc through the
// pid file scripts/services.sh keeps under SCAMGRAPH_STATE_DIR; without it
// Neo4j's time reads as zero.
func readCPU() cpuMeter {
	var ru syscall.Rusage
	var m cpuMeter
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		m.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	dir := os.Getenv("SCAMGRAPH_STATE_DIR")
	if dir == "" {
		return m
	}
	pid, err := os.ReadFile(filepath.Join(dir, "neo4j", "pid"))
	if err != nil {
		return m
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(pid)), "stat"))
	if err != nil {
		return m
	}
	// Fields 14 and 15 (utime, stime) follow the parenthesised command.
	rest := string(stat)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) > 13 {
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		m.neo4j = time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ is 100 on Linux
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
