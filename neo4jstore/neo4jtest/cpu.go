package neo4jtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ProcessCPU is the processor time the local Neo4j of scripts/services.sh
// has used so far, read from /proc through the pid file it keeps under
// SCAMGRAPH_STATE_DIR; zero when there is no such Neo4j to read. On a
// machine shared with other work, benchmarks report it per request beside
// their timings: the time a request costs the database moves far less
// with the neighbours' load than its latency does.
func ProcessCPU() time.Duration {
	dir := os.Getenv("SCAMGRAPH_STATE_DIR")
	if dir == "" {
		return 0
	}
	pid, err := os.ReadFile(filepath.Join(dir, "neo4j", "pid"))
	if err != nil {
		return 0
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strings.TrimSpace(string(pid)), "stat"))
	if err != nil {
		return 0
	}
	// utime and stime are fields 14 and 15, counted after the command,
	// which is parenthesised and may hold spaces.
	rest := string(stat)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(f[11], 10, 64)
	sys, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(user+sys) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}
