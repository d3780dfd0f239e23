package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeDemoEndToEnd drives the real `serve --demo` (the README's first
// command) on port 0: the demo world loads, a Thai number typed in local
// form comes back as its E.164 key with links, and SIGTERM (here, the
// context) shuts the server down cleanly.
func TestServeDemoEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, logs, done := startServe(t, ctx, "--demo", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--log-format", "json")
	body, _ := json.Marshal(map[string]any{"query": `{ lookup(identifier: "086-904-1377") { key kind entity { id
		... on PhoneNumber { links(first: 3) { totalCount edges { node { type } } } } } } }`})
	// The demo keys are printed at start-up, as the README says.
	m := regexp.MustCompile(`TH-CCIB\s+ANALYST\s+(\S+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no demo analyst key printed: %s", logs.String())
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+m[1])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data struct {
			Lookup struct {
				Key, Kind string
				Entity    struct {
					ID    string
					Links struct{ TotalCount int }
				}
			}
		}
	}
	json.NewDecoder(res.Body).Decode(&out)
	res.Body.Close()
	l := out.Data.Lookup
	if l.Key != "+66869041377" || l.Kind != "PhoneNumber" || l.Entity.ID != "PhoneNumber:+66869041377" || l.Entity.Links.TotalCount == 0 {
		t.Fatalf("lookup: %+v", l)
	}
	for _, path := range []string{"/graphiql", "/healthz", "/readyz", "/metrics"} {
		res, err := http.Get("http://" + addr + path)
		if err != nil || res.StatusCode != 200 {
			t.Errorf("%s: %v %v", path, res.StatusCode, err)
		}
		res.Body.Close()
	}
	checkExportCommand(t, addr, m[1])
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after shutdown", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(logs.String(), `"message":"demo world loaded"`) || !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("logs lack the demo load or the shutdown:\n%.2000s", logs.String())
	}
}

func TestServeRejectsBadSettings(t *testing.T) {
	var logs bytes.Buffer
	if code := serve(context.Background(), []string{"--store", "mongo", "--data-dir", t.TempDir()}, &logs, nil); code != 1 {
		t.Errorf("unknown store: exit %d", code)
	}
	if code := serve(context.Background(), []string{"--no-such-flag"}, &logs, nil); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
	t.Setenv("SCAMGRAPH_REQUEST_TIMEOUT", "soon")
	if code := serve(context.Background(), nil, &logs, nil); code != 2 {
		t.Errorf("bad env value: exit %d", code)
	}
}

// startServe runs serve with args until ctx ends, and returns the API's
// address once it listens, its logs, and where its exit code will come.
func startServe(t *testing.T, ctx context.Context, args ...string) (addr string, logs *syncBuffer, done <-chan int) {
	t.Helper()
	ready := make(chan string, 1)
	exited := make(chan int, 1)
	logs = &syncBuffer{}
	go func() { exited <- serve(ctx, args, logs, ready) }()
	select {
	case addr = <-ready:
	case code := <-exited:
		t.Fatalf("serve exited with %d: %s", code, logs.String())
	case <-time.After(3 * time.Minute):
		t.Fatal("serve did not start")
	}
	return addr, logs, exited
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
