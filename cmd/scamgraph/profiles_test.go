package main

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

// TestServeProfilesApartFromTheAPI: with --pprof-addr, Go's runtime
// profiles answer there (a CPU profile is a gzipped protobuf), and never on
// the API's address, where /debug/pprof/ is an unknown path.
func TestServeProfilesApartFromTheAPI(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pprofAddr := freeAddr(t)
	addr, logs, done := startServe(t, ctx, "--addr", "127.0.0.1:0", "--pprof-addr", pprofAddr, "--data-dir", t.TempDir(),
		"--log-format", "json")
	get := func(url string) (int, []byte) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	if code, _ := get("http://" + pprofAddr + "/debug/pprof/"); code != http.StatusOK {
		t.Errorf("the profiles' index on --pprof-addr: %d", code)
	}
	code, body := get("http://" + pprofAddr + "/debug/pprof/profile?seconds=1")
	if code != http.StatusOK || len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		t.Errorf("a CPU profile on --pprof-addr: %d, %d bytes, not gzip", code, len(body))
	}
	if code, _ := get("http://" + addr + "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("/debug/pprof/ on the API's address: %d, want 404", code)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d after shutdown: %s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
