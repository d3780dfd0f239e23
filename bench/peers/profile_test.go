package peers

import (
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

func TestPackageOf(t *testing.T) {
	for fn, want := range map[string]string{
		"runtime.mallocgc": "runtime",
		"github.com/scamgraph/scamgraph/embeddedstore.(*Store).page":               "github.com/scamgraph/scamgraph/embeddedstore",
		"github.com/neo4j/neo4j-go-driver/v5/neo4j/internal/bolt.(*hydrator).amap": "github.com/neo4j/neo4j-go-driver/v5/neo4j/internal/bolt",
		"github.com/99designs/gqlgen/graphql.(*FieldSet).Dispatch.func1":           "github.com/99designs/gqlgen/graphql",
		"encoding/json.(*decodeState).object":                                      "encoding/json",
		"?":                                                                        "?",
	} {
		if got := packageOf(fn); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", fn, got, want)
		}
	}
}

// TestProfilesSection profiles this process burning CPU in a function of
// its own and finds that function and its package in the report's
// section, with the file linked.
func TestProfilesSection(t *testing.T) {
	out := t.TempDir()
	if err := os.MkdirAll(filepath.Join(out, ProfileDir), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(out, ProfileDir, profileName("demo", "A", "lookup-hit")))
	if err != nil {
		t.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		t.Fatal(err)
	}
	sink := burn(500 * time.Millisecond)
	pprof.StopCPUProfile()
	f.Close()
	s, err := summarize(f.Name(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.CPU <= 0 || len(s.Packages) == 0 || len(s.Functions) == 0 || s.Packages[0].Share > 1 {
		t.Fatalf("summary of a busy profile: %+v (sink %d)", s, sink)
	}
	section, err := profilesSection(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Profiles", "[demo-A-lookup-hit](pprof/demo-A-lookup-hit.pprof)", "`bench/peers.burn`", "`bench/peers` "} {
		if !strings.Contains(section, want) {
			t.Errorf("the profiles section lacks %q:\n%s", want, section)
		}
	}
	if empty, err := profilesSection(t.TempDir()); err != nil || empty != "" {
		t.Errorf("no profiles: %q, %v", empty, err)
	}
}

//go:noinline
func burn(d time.Duration) int {
	n := 0
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := range 10000 {
			n += i * i % 7
		}
	}
	return n
}
