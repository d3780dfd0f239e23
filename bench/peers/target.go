package peers

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Target is one system under load, started as its own process so that it
// never shares a runtime with the load generator.
type Target struct {
	// Name is the letter of the issue (A to F); Label says what it is.
	Name, Label string
	// Reads says whether the target answers the read workloads (F answers
	// only the floor workload); Off that it runs with the sharing rules off
	// and is asked the questions of that view.
	Reads, Off bool
	// Cmd is the command that starts it, Env its environment beyond the
	// harness's own, Ready the path that answers 200 once it serves.
	Cmd   []string
	Env   []string
	Ready string
	// Port is where it listens on 127.0.0.1; PprofPort, when not 0, where
	// it serves its runtime profiles (scamgraph serve --pprof-addr).
	Port, PprofPort int
	// protocol is how it is asked.
	protocol protocol
	// before runs before each workload (C flushes its cache before the cold
	// lookups).
	before func(ctx context.Context, workload string) error
}

// Base is the target's URL.
func (t Target) Base() string { return fmt.Sprintf("http://127.0.0.1:%d", t.Port) }

// Caller is the target asked the questions of w.
func (t Target) Caller(w Workload) Caller { return caller{p: t.protocol, w: w} }

// Process is a started target.
type Process struct {
	cmd  *exec.Cmd
	done chan error
	log  string
}

// Start runs the target with its output in logPath and waits until it
// answers on its ready path, or fails with the end of its log.
func (t Target) Start(ctx context.Context, logPath string) (*Process, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(t.Cmd[0], t.Cmd[1:]...)
	cmd.Env = append(childEnv(), t.Env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("target %s: %w", t.Name, err)
	}
	p := &Process{cmd: cmd, done: make(chan error, 1), log: logPath}
	go func() { p.done <- cmd.Wait(); f.Close() }()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case err := <-p.done:
			p.done <- err
			return nil, fmt.Errorf("target %s exited before it was ready (%v); its log ends:\n%s", t.Name, err, tail(logPath))
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := http.Get(t.Base() + t.Ready)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode < 500 {
				return p, nil
			}
		}
		if time.Now().After(deadline) {
			p.Stop()
			return nil, fmt.Errorf("target %s not ready after 3 minutes; its log ends:\n%s", t.Name, tail(logPath))
		}
	}
}

// Stop ends the target's process group: SIGTERM, then SIGKILL after ten
// seconds.
func (p *Process) Stop() {
	pgid := -p.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-p.done
	}
}

// childEnv is the harness's environment without the settings the targets
// are given explicitly, so that a REDIS_URL in the shell never turns a
// cache on where none belongs.
func childEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "REDIS_URL" || name == "NEO4J_URI" || strings.HasPrefix(name, "SCAMGRAPH_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-20):], "\n")
}
