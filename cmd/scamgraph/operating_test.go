package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// guideSection is the README's "Operating ScamGraph" section.
func guideSection(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	start := strings.Index(s, "\n## Operating ScamGraph\n")
	if start < 0 {
		t.Fatal("the README has no Operating ScamGraph section")
	}
	s = s[start+1:]
	if end := strings.Index(s[3:], "\n## "); end >= 0 {
		s = s[:end+3]
	}
	return s
}

// guideBlocks returns the section's fenced blocks of one language.
func guideBlocks(section, lang string) []string {
	re := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(section, -1) {
		out = append(out, m[1])
	}
	return out
}

// shellWords splits a command line as a shell would for the quoting the
// guide uses: double quotes, $NAME expanded inside and outside them.
func shellWords(line string, env map[string]string) []string {
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	expand := func(s string) string { return os.Expand(s, func(k string) string { return env[k] }) }
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"':
			quoted, inWord = !quoted, true
		case c == ' ' && !quoted:
			if inWord {
				words = append(words, expand(cur.String()))
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, expand(cur.String()))
	}
	return words
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestOperatingGuide runs every command of the README's "Operating
// ScamGraph" section, in order, in a fresh folder; each must succeed.
func TestOperatingGuide(t *testing.T) {
	unsetEnv(t, "SCAMGRAPH_DATA_DIR", "SCAMGRAPH_ADDR", "SCAMGRAPH_METRICS_ADDR", "SCAMGRAPH_STORE", "SCAMGRAPH_CONFIG",
		"SCAMGRAPH_TLS_CERT", "SCAMGRAPH_TLS_KEY", "SCAMGRAPH_LOG_FORMAT")
	section := guideSection(t)
	calls, err := os.ReadFile("../../examples/calls.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", dir)
	os.MkdirAll("examples", 0o750)
	os.WriteFile("examples/calls.ndjson", calls, 0o600)
	writeCert(t, "cert.pem", "key.pem", "scamgraph")
	apiAddr, metricsAddr := freeAddr(t), freeAddr(t)
	swap := strings.NewReplacer("127.0.0.1:8080", apiAddr, "127.0.0.1:9090", metricsAddr)
	tomls := guideBlocks(section, "toml")
	if len(tomls) != 1 {
		t.Fatalf("%d toml blocks, want 1", len(tomls))
	}
	os.WriteFile("scamgraph.toml", []byte(swap.Replace(tomls[0])), 0o600)

	env := map[string]string{}
	var (
		cancel context.CancelFunc
		done   chan int
		logs   *lockedLog
		tls    bool
	)
	comment := regexp.MustCompile(`\s{2,}#.*$`)
	ran := 0
	for _, block := range guideBlocks(section, "sh") {
		for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
			line = swap.Replace(strings.TrimSpace(comment.ReplaceAllString(line, "")))
			if line == "" {
				continue
			}
			ran++
			t.Logf("$ %s", line)
			switch {
			case strings.HasPrefix(line, "scamgraph serve ") && strings.HasSuffix(line, "&"):
				args := shellWords(strings.TrimSuffix(line, "&"), env)[2:]
				ctx, stop := context.WithCancel(context.Background())
				t.Cleanup(stop)
				cancel = stop
				done, logs = make(chan int, 1), &lockedLog{}
				ready := make(chan string, 1)
				go func(l *lockedLog, d chan int) { d <- serve(ctx, args, l, ready) }(logs, done)
				select {
				case <-ready:
				case code := <-done:
					t.Fatalf("%s: exit %d: %s", line, code, logs.String())
				}
				tls = strings.Contains(line, "--tls-cert")
			case strings.HasPrefix(line, "scamgraph "):
				if strings.Contains(line, "$LINK_ID") {
					env["LINK_ID"] = guideLinkID(t, "http://"+apiAddr, env["ADMIN_KEY"])
				}
				args := shellWords(line, env)[1:]
				var out, errOut bytes.Buffer
				if code := run(args, &out, &errOut); code != 0 {
					t.Fatalf("%s: exit %d\n%s%s", line, code, out.String(), errOut.String())
				}
				if m := tokenLine.FindStringSubmatch(out.String()); m != nil && args[0] == "keys" {
					env["ADMIN_KEY"] = m[1]
				}
			case strings.HasPrefix(line, "curl -s "):
				res, err := http.Get(shellWords(line, env)[2])
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || !bytes.Contains(body, []byte("# TYPE ")) {
					t.Fatalf("%s: %d %.200s", line, res.StatusCode, body)
				}
			case strings.HasPrefix(line, "kill "):
				words := shellWords(line, env)
				pidFile := strings.TrimSuffix(strings.TrimPrefix(words[len(words)-1], "$(cat "), ")")
				raw, err := os.ReadFile(pidFile)
				if err != nil {
					t.Fatalf("%s: %v", line, err)
				}
				if pid, _ := strconv.Atoi(strings.TrimSpace(string(raw))); pid != os.Getpid() {
					t.Fatalf("%s: the pid file names %d, not the serving process %d", line, pid, os.Getpid())
				}
				if words[1] == "-HUP" {
					syscall.Kill(os.Getpid(), syscall.SIGHUP)
					want := "SIGHUP: no TLS certificate to reread"
					if tls {
						want = "TLS certificate reloaded"
					}
					deadline := time.Now().Add(10 * time.Second)
					for !strings.Contains(logs.String(), want) {
						if time.Now().After(deadline) {
							t.Fatalf("%s: the service did not log %q: %s", line, want, logs.String())
						}
						time.Sleep(10 * time.Millisecond)
					}
					continue
				}
				// SIGTERM's effect on serve: its context ends (runServe's
				// NotifyContext); the test holds that context itself.
				cancel()
				if code := <-done; code != 0 {
					t.Fatalf("%s: serve exit %d: %s", line, code, logs.String())
				}
				if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
					t.Errorf("%s: the pid file outlives the service", line)
				}
			default:
				t.Fatalf("the guide has a line the test does not know how to run: %q", line)
			}
		}
	}
	if ran < 15 {
		t.Fatalf("ran only %d lines of the guide", ran)
	}
	for _, f := range []string{"backup-1/scamgraph.db", "backup-2/access.db", "scamgraph-restored/scamgraph.db", "audit-archive.ndjson"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the guide left no %s: %v", f, err)
		}
	}
}

// guideLinkID is the id of a call TH-NBTC contributed, as the API shows it.
func guideLinkID(t *testing.T, url, key string) string {
	t.Helper()
	q := `{ lookup(identifier: "081-234-5678") { entity { links(first: 50) { edges { node { id provenance { agency } } } } } } }`
	body, _ := json.Marshal(map[string]any{"query": q})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			Lookup struct {
				Entity struct {
					Links struct {
						Edges []struct {
							Node struct {
								ID         string
								Provenance struct{ Agency string }
							}
						}
					}
				}
			}
		}
	}
	raw, _ := io.ReadAll(res.Body)
	json.Unmarshal(raw, &out)
	for _, e := range out.Data.Lookup.Entity.Links.Edges {
		if e.Node.Provenance.Agency == "TH-NBTC" {
			return e.Node.ID
		}
	}
	t.Fatalf("no TH-NBTC link at 081-234-5678: %s", raw)
	return ""
}

// lockedLog is a log sink serve's goroutines may share with the test.
type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
