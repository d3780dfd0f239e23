package embeddedstore_test

import (
	"testing"

	"github.com/scamgraph/scamgraph/conformance"
	"github.com/scamgraph/scamgraph/embeddedstore"
	"github.com/scamgraph/scamgraph/intel"
)

// MustOpen opens a store in dir and closes it when the test ends.
func MustOpen(t testing.TB, dir string) *embeddedstore.Store {
	t.Helper()
	s, err := embeddedstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	dirs := map[intel.Store]string{}
	conformance.Run(t, conformance.Harness{
		New: func(t *testing.T) intel.Store {
			dir := t.TempDir()
			s := MustOpen(t, dir)
			dirs[s] = dir
			return s
		},
		Reopen: func(t *testing.T, s intel.Store) intel.Store {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return MustOpen(t, dirs[s])
		},
	})
}

func BenchmarkStore(b *testing.B) {
	conformance.Bench(b, func(b *testing.B) intel.Store { return MustOpen(b, b.TempDir()) })
}
